package dev.sqsrouter.sqs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;

/**
 * An SQS client that accepts every delete and visibility change and records them, in call order, as
 * {@code "delete a1,a2"} or {@code "visible in 0 s: a2,a3"} (message ids taken from the receipt handles).
 */
final class RecordingSqsClient implements SqsClient {

    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
        calls.add("delete " + String.join(",", request.entries().stream()
                .map(DeleteMessageBatchRequestEntry::receiptHandle).map(RecordingSqsClient::id).toList()));
        return DeleteMessageBatchResponse.builder().successful(request.entries().stream()
                .map(entry -> DeleteMessageBatchResultEntry.builder().id(entry.id()).build()).toList()).build();
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest request) {
        calls.add("visible in " + request.entries().get(0).visibilityTimeout() + " s: " + String.join(",", request.entries()
                .stream().map(ChangeMessageVisibilityBatchRequestEntry::receiptHandle).map(RecordingSqsClient::id).toList()));
        return ChangeMessageVisibilityBatchResponse.builder().build();
    }

    private static String id(String receiptHandle) {
        return receiptHandle.substring("receipt-".length());
    }

    @Override
    public String serviceName() {
        return "sqs";
    }

    @Override
    public void close() {
        // nothing to release
    }
}
