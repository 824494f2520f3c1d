package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * Every store of the JVM gets the one bounded cache and write buffer manager, and LZ4 (real
 * RocksDB).
 */
class CompletionRocksDbOptionsTest {
  private static final Map<String, Object> CONFIGS =
      Map.of(
          CompletionRocksDbOptions.TOTAL_BYTES_CONFIG, 64L << 20,
          CompletionRocksDbOptions.MEMTABLE_BYTES_CONFIG, 32L << 20);

  static {
    RocksDB.loadLibrary();
  }

  @Test
  void everyStoreSharesOneBoundedCacheAndWritesLz4() {
    CompletionRocksDbOptions setter = new CompletionRocksDbOptions();
    try (Options first = withBlockBasedTable();
        Options second = withBlockBasedTable()) {
      setter.setConfig("trace-spans", first, CONFIGS);
      setter.setConfig("trace-states", second, CONFIGS);

      CompletionRocksDbOptions.Shared shared = CompletionRocksDbOptions.shared(1, 1);
      assertThat(first.writeBufferManager()).isSameAs(shared.writeBuffers());
      assertThat(second.writeBufferManager()).isSameAs(shared.writeBuffers());
      assertThat(first.writeBufferSize()).isEqualTo(16L << 20);
      assertThat(first.maxWriteBufferNumber()).isEqualTo(3);
      assertThat(((BlockBasedTableConfig) first.tableFormatConfig()).cacheIndexAndFilterBlocks())
          .isTrue();
      assertThat(first.compressionType()).isEqualTo(CompressionType.LZ4_COMPRESSION);
      assertThat(second.compressionType()).isEqualTo(CompressionType.LZ4_COMPRESSION);
      setter.close("trace-spans", first);
      setter.close("trace-states", second);
    }
  }

  @Test
  void aMissingSizeIsAnError() {
    try (Options options = withBlockBasedTable()) {
      assertThatThrownBy(() -> new CompletionRocksDbOptions().setConfig("s", options, Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(CompletionRocksDbOptions.TOTAL_BYTES_CONFIG);
    }
  }

  private static Options withBlockBasedTable() {
    Options options = new Options(); // as Kafka Streams hands them over: uncompressed
    options.setTableFormatConfig(new BlockBasedTableConfig());
    options.setCompressionType(CompressionType.NO_COMPRESSION);
    return options;
  }
}
