package dev.tracefold.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class TraceStoreExceptionTest {
  @Test
  void theSummaryForLogsKeepsTheServerErrorNotTheStatementsWithTheirValues() {
    // issue #12: sink warnings logged whole INSERT statements with the spans' values
    BatchUpdateException batch =
        new BatchUpdateException(
            "Batch entry 0 INSERT INTO spans (payload) VALUES ('secret prompt "
                + "x".repeat(5_000)
                + "') was aborted",
            "54000",
            0,
            new int[0],
            null);
    batch.setNextException(
        new SQLException(
            "ERROR: index row size 6032 exceeds btree version 4 maximum 2704 for index"
                + " \"spans_session_idx\"\n  Hint: Values larger than 1/3 of a buffer page cannot"
                + " be indexed.",
            "54000"));

    TraceStoreException e = new TraceStoreException("Cannot store 3 spans", batch);

    assertThat(e.operation()).isEqualTo("Cannot store 3 spans");
    assertThat(e.summary())
        .isEqualTo(
            "Cannot store 3 spans (SQLSTATE 54000): ERROR: index row size 6032 exceeds btree"
                + " version 4 maximum 2704 for index \"spans_session_idx\"");
    assertThat(e.getMessage()).contains("secret prompt");

    TraceStoreException longError =
        new TraceStoreException("Cannot list traces", new SQLException("y".repeat(1_000), "08006"));
    assertThat(longError.summary())
        .isEqualTo("Cannot list traces (SQLSTATE 08006): " + "y".repeat(300) + "…");
  }
}
