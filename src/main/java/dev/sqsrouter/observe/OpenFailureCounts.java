package dev.sqsrouter.observe;

import java.util.Map;

/**
 * The open failure records of the failure store: SQS queue name -> failure class name -> count
 * ({@code FailureStore#openCounts}); throws when the store cannot be reached.
 */
@FunctionalInterface
public interface OpenFailureCounts {

    Map<String, Map<String, Long>> openCounts();
}
