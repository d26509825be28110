package dev.sqsrouter.failure;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param next the cursor of the next page, or null when this page is the last
 */
public record FailurePage<T>(List<T> records, String next) {
}
