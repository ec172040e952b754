/**
 * Pure codecs for qcow2 on-disk structures (header and extensions, L1/L2 entries, refcount
 * block entries, snapshot table entries). No I/O; every codec has golden-byte tests against
 * qemu-img 7.2 output.
 */
package dev.cairn.qcow2.format;
