package dev.sqsrouter.ingress;

import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * What the ingress answers for an accepted request: SQS's answer for the message, and whether the request repeated
 * one this instance sent within SQS's deduplication interval (then the answer is the first message's).
 */
public record IngressSent(SendMessageResponse answer, boolean repeat) {
}
