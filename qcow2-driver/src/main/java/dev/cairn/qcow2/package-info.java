/**
 * Cairn's native qcow2 engine (qcow2 v3 read/write, v2 read/write), compatible with
 * qemu-img 7.2.
 *
 * <p>Entry points: {@link dev.cairn.qcow2.Qcow2Image} (create/open, guest I/O, internal
 * snapshots, check/repair), {@link dev.cairn.qcow2.Qcow2Chain} (overlays, commit, rebase) and
 * {@link dev.cairn.qcow2.Qcow2Convert} (raw/qcow2 conversions). Failures are
 * {@link dev.cairn.qcow2.Qcow2Exception} subclasses or plain {@link java.io.IOException}s.
 *
 * <p>One file per on-disk concern, as in QEMU: {@code ClusterMap} (L1/L2 mapping),
 * {@code GuestIo} (data path, copy-on-write, compression), {@code RefcountTable} (refcounts and
 * allocation), {@code SnapshotTable} and {@code ReferenceWalk} (internal snapshots),
 * {@code ImageCheck} (check and repair), {@code L2Cache}, {@code HostFile} (positional I/O and
 * write barriers). Nothing here is thread-safe; callers serialize use per image.
 */
package dev.cairn.qcow2;
