package dev.sqsrouter.observe;

import java.util.Map;

/**
 * The open failure records of the failure store: SQS queue name -> failure class name -> count. Null when the source
 * cannot count them (it still proved the store reachable); throws when the store cannot be reached.
 */
@FunctionalInterface
public interface OpenFailureCounts {

    Map<String, Map<String, Long>> openCounts();
}
