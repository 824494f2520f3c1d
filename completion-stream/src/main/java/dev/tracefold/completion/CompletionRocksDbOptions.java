package dev.tracefold.completion;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * The RocksDB options of every store of the completion stream: bounded native memory and LZ4
 * compression of its files.
 *
 * <p><b>Memory.</b> One shared block cache per JVM also holds the memtables (through a {@link
 * WriteBufferManager}) and the index and filter blocks: Kafka Streams' "bounded memory"
 * configuration (Kafka Streams developer guide, "Memory management", {@code
 * BoundedMemoryRocksDBConfig}). Without it each store has its own 50 MiB block cache and up to
 * three 16 MiB memtables, so a stream with 6 tasks of 3 stores may take ~1.7 GiB off the heap, and
 * its RSS grew through PipelineBench's 10-minute soak (issue #11). Sizes come from the Streams
 * configuration ({@value #TOTAL_BYTES_CONFIG}, {@value #MEMTABLE_BYTES_CONFIG}, set from {@code
 * tracefold.completion.rocksdb-memory}); the cache is made at the first store's configuration and
 * then shared by every store and every stream in the JVM, which is what bounds them, so later sizes
 * are ignored.
 *
 * <p><b>Compression.</b> Kafka Streams writes its stores uncompressed. {@code trace-spans} keeps
 * every span of a completed trace for {@code completed-retention} (24 hours by default), so its
 * files grow with a day of traffic and compaction rewrites them again and again. LZ4 (RocksDB's own
 * advice for the levels that are compacted often) made the state directory 2.8 times smaller after
 * a 3-minute PipelineBench soak at 6,000 spans/s (436 MB against 1,228-1,233 MB) and cut the
 * RocksDB background threads' CPU by 23-38% (docs/decisions.md, "RocksDB files compressed with
 * LZ4"). Blocks record their compression, so state written uncompressed stays readable.
 *
 * <p>Kafka Streams instantiates this class by reflection; thread-safe.
 */
public final class CompletionRocksDbOptions implements RocksDBConfigSetter {
  /** Streams configuration key: bytes of the shared cache, memtables included. */
  static final String TOTAL_BYTES_CONFIG = "tracefold.rocksdb.total-bytes";

  /** Streams configuration key: bytes of the cache the memtables may take. */
  static final String MEMTABLE_BYTES_CONFIG = "tracefold.rocksdb.memtable-bytes";

  /** Of the cache, the share kept for index and filter blocks (high priority). */
  private static final double INDEX_FILTER_SHARE = 0.1;

  /** Size of one memtable; the write buffer manager flushes when their sum reaches its bound. */
  private static final long MEMTABLE_BYTES = 16L << 20;

  private static final int MEMTABLES = 3;

  private static Shared shared; // guarded by CompletionRocksDbOptions.class

  /** The cache and write buffer manager every store shares. */
  record Shared(Cache cache, WriteBufferManager writeBuffers) {}

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Shared memory =
        shared(bytes(configs, TOTAL_BYTES_CONFIG), bytes(configs, MEMTABLE_BYTES_CONFIG));
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(memory.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(memory.writeBuffers());
    options.setWriteBufferSize(MEMTABLE_BYTES);
    options.setMaxWriteBufferNumber(MEMTABLES);
    options.setTableFormatConfig(table);
    options.setCompressionType(CompressionType.LZ4_COMPRESSION);
  }

  @Override
  public void close(String storeName, Options options) {
    // the cache and the write buffer manager are shared by every store: never closed here
  }

  /** The JVM's shared cache, made with these sizes if it does not exist yet. */
  static synchronized Shared shared(long totalBytes, long memtableBytes) {
    if (shared == null) {
      Cache cache = new LRUCache(totalBytes, -1, false, INDEX_FILTER_SHARE);
      shared = new Shared(cache, new WriteBufferManager(memtableBytes, cache));
    }
    return shared;
  }

  private static long bytes(Map<String, Object> configs, String key) {
    Object value = configs.get(key);
    if (!(value instanceof Number number) || number.longValue() < 1) {
      throw new IllegalArgumentException(key + " must be a positive number of bytes: " + value);
    }
    return number.longValue();
  }
}
