/**
 * The raw chunk store behind {@code chunk} pools: one copy-on-write store per pool, shared by all
 * its volumes, snapshots and clones (each a <em>device</em>). Entry point: {@link dev.cairn.pool.chunk.ChunkStore}.
 *
 * <h2>Files</h2>
 * A pool directory holds {@code chunks.data}, the data chunks (chunk {@code n} at byte
 * {@code n * chunkSize}, sparse), {@code chunks.meta}, an array of 4 KiB blocks, and
 * {@code chunks.log}, the intent log of small writes into committed chunks: two 64 MiB slots
 * (generation g logs in slot g % 2), records of chunk, offset, length and bytes ({@code ChunkLog}).
 * All integers are little-endian; every metadata block carries a CRC32C; the superblock carries the
 * length and CRC32C of its generation's log.
 *
 * <h2>Metadata file</h2>
 * <pre>
 * block 0, 1            superblock slots; generation g is written to slot g % 2        (Superblock)
 * 2 .. 2+K              refcount index, copy 0; generation g uses copy g % 2         (RefcountPages)
 * 2+K .. 2+2K           refcount index, copy 1
 * 2+2K .. 2+2K+2P       refcount pages, two slots per page                           (RefcountPage)
 * nodeStart ..          B-tree nodes: device mapping trees and the device table      (TreeNode)
 * </pre>
 * <ul>
 * <li><b>Superblock</b>: magic {@code CAIRNCS1}, format version, chunk size, generation, data chunk
 *     count, node block count, node fanout, CRC of its refcount index copy, device table root, next
 *     device id, intent log length and CRC (version 2), CRC of the first 76 bytes (64 in version 1,
 *     which had no log and is still read). Open takes the valid slot with the higher generation.</li>
 * <li><b>Refcount index</b>: one u32 per refcount page: bit 31 the slot holding the committed copy,
 *     bit 30 "ever written" (unwritten pages are all zero and never read), bits 0..29 the free
 *     entries of the page.</li>
 * <li><b>Refcount page</b>: magic {@code CREF}, CRC, page number, then 1020 u32 reference counts.
 *     Pages {@code [0, ceil(chunks/1020))} count data chunks, the rest count node blocks.</li>
 * <li><b>Tree node</b>: magic {@code CNOD}, CRC, tree kind (1 mapping, 2 devices), level, entry
 *     count, own address, then sorted u64 keys and u64 values (at most 254 entries).
 *     Mapping trees map logical chunk to data chunk. The device table maps {@code id << 2 | field}
 *     to the device's mapping root (field 0), capacity in bytes (1) and mapped chunk count (2).</li>
 * </ul>
 *
 * <h2>Sharing and commits</h2>
 * Reference counts are lazy (Rodeh; dm-thin): a snapshot takes one reference on the origin's root;
 * shadowing a shared node copies it and moves one reference down to each child. Between commits,
 * only blocks and chunks allocated since the last commit are changed in place; everything the
 * committed state references is shadowed, and blocks freed since the last commit are not reused
 * until the next one. A partial write into a committed chunk no other device shares goes to the
 * intent log instead of a whole-chunk copy; reads lay the log over the chunk. Refcount pages are
 * not shadowed but written to their spare slot. A commit writes dirty nodes and pages and the
 * buffered log records, forces the data, log and metadata files, writes the refcount index copy of
 * the next generation, forces, writes the superblock (naming the log) into the other slot, and
 * forces; then it writes the logged bytes into their chunks, unforced: the next commit's data force
 * makes them durable before its superblock replaces this one. Open replays the committed
 * generation's log, so a crash before that still reopens exactly the commit. A write that finds the
 * log full commits first.
 *
 * <h2>Thread-safety</h2>
 * One lock per store guards all state (see {@link dev.cairn.pool.chunk.ChunkStore}).
 */
package dev.cairn.pool.chunk;
