package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** Every store of the JVM gets the one bounded cache and write buffer manager (real RocksDB). */
class BoundedRocksDbMemoryTest {
  private static final Map<String, Object> CONFIGS =
      Map.of(
          BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, 64L << 20,
          BoundedRocksDbMemory.MEMTABLE_BYTES_CONFIG, 32L << 20);

  static {
    RocksDB.loadLibrary();
  }

  @Test
  void everyStoreSharesOneWriteBufferManagerAndBoundedMemtables() {
    BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
    try (Options first = withBlockBasedTable();
        Options second = withBlockBasedTable()) {
      setter.setConfig("trace-spans", first, CONFIGS);
      setter.setConfig("trace-states", second, CONFIGS);

      BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(1, 1);
      assertThat(first.writeBufferManager()).isSameAs(shared.writeBuffers());
      assertThat(second.writeBufferManager()).isSameAs(shared.writeBuffers());
      assertThat(first.writeBufferSize()).isEqualTo(16L << 20);
      assertThat(first.maxWriteBufferNumber()).isEqualTo(3);
      assertThat(((BlockBasedTableConfig) first.tableFormatConfig()).cacheIndexAndFilterBlocks())
          .isTrue();
      setter.close("trace-spans", first);
      setter.close("trace-states", second);
    }
  }

  @Test
  void aMissingSizeIsAnError() {
    try (Options options = withBlockBasedTable()) {
      assertThatThrownBy(() -> new BoundedRocksDbMemory().setConfig("s", options, Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG);
    }
  }

  private static Options withBlockBasedTable() {
    Options options = new Options();
    options.setTableFormatConfig(new BlockBasedTableConfig());
    return options;
  }
}
