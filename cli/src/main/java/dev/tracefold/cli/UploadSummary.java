package dev.tracefold.cli;

import dev.tracefold.cli.UploadResult.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Prints each file's outcome and adds them up. Not thread-safe. */
final class UploadSummary {
  private int files;
  private int failedFiles;
  private int traces;
  private long spans;
  private int errors;

  /**
   * Prints one file's outcome: its stored traces on {@code out}, its failure or errors on {@code
   * err} ({@code FILE:LINE: POINTER: message (rule)}).
   */
  void add(Path file, UploadResult result, PrintWriter out, PrintWriter err, boolean verbose) {
    files++;
    if (result.failure() != null) {
      failedFiles++;
      err.println(file + ": not uploaded: " + result.failure());
      err.flush();
      return;
    }
    traces += result.traceIds().size();
    spans += result.acceptedSpans();
    errors += result.errorCount();
    out.println(
        file
            + ": "
            + plural(result.traceIds().size(), "trace")
            + " stored ("
            + plural(result.acceptedSpans(), "span")
            + "), "
            + plural(result.errorCount(), "error"));
    if (verbose) {
      result.traceIds().forEach(id -> out.println("  " + id));
    }
    out.flush();
    for (Problem problem : result.errors()) {
      String pointer = problem.pointer().isEmpty() ? "(trace)" : problem.pointer();
      err.println(
          file
              + ":"
              + problem.line()
              + ": "
              + pointer
              + ": "
              + problem.message()
              + " ("
              + problem.rule()
              + ")");
    }
    if (result.errorCount() > result.errors().size()) {
      err.println(
          file + ": and " + (result.errorCount() - result.errors().size()) + " more errors");
    }
    err.flush();
  }

  /** Prints the totals. */
  void print(PrintWriter out) {
    out.println(
        "Uploaded "
            + plural(traces, "trace")
            + " ("
            + plural(spans, "span")
            + ") from "
            + plural(files - failedFiles, "file")
            + "; "
            + plural(errors, "error")
            + (failedFiles > 0 ? ", " + plural(failedFiles, "file") + " not uploaded" : ""));
    out.flush();
  }

  /** True when a file was not uploaded or a trace was refused. */
  boolean failed() {
    return failedFiles > 0 || errors > 0;
  }

  private static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
