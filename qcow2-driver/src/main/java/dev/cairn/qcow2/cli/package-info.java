/** The {@code cairn-img} command line, a small qemu-img look-alike over the engine. */
package dev.cairn.qcow2.cli;
