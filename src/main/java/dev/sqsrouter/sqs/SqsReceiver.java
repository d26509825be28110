package dev.sqsrouter.sqs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.apache.camel.component.aws2.sqs.Sqs2Configuration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * One ReceiveMessage call of a consumer, built from its aws2-sqs configuration (attribute names, message attribute
 * names, visibility timeout), with the wait chosen per call: aws2-sqs's own polling task has one wait for every
 * receive, and the extra receives that keep many groups busy must not long-poll (see {@link ReceiveScaling}).
 */
final class SqsReceiver {

    private final SqsClient client;
    private final Supplier<String> queueUrl;
    private final Integer visibilityTimeout;
    private final List<MessageSystemAttributeName> attributeNames;
    private final List<String> messageAttributeNames;

    SqsReceiver(SqsClient client, Supplier<String> queueUrl, Sqs2Configuration configuration) {
        this.client = client;
        this.queueUrl = queueUrl;
        this.visibilityTimeout = configuration.getVisibilityTimeout();
        this.attributeNames = split(configuration.getAttributeNames()).stream().map(MessageSystemAttributeName::fromValue)
                .filter(name -> name != MessageSystemAttributeName.UNKNOWN_TO_SDK_VERSION).distinct().toList();
        this.messageAttributeNames = split(configuration.getMessageAttributeNames());
    }

    /** Up to ten messages, waiting up to {@code waitSeconds} for the first (0: answer at once). */
    List<Message> receive(int waitSeconds) {
        ReceiveMessageRequest.Builder request = ReceiveMessageRequest.builder().queueUrl(queueUrl.get())
                .maxNumberOfMessages(OrderedOptions.SQS_RECEIVE_LIMIT).waitTimeSeconds(waitSeconds)
                .visibilityTimeout(visibilityTimeout);
        if (!attributeNames.isEmpty()) {
            request.messageSystemAttributeNames(attributeNames);
        }
        if (!messageAttributeNames.isEmpty()) {
            request.messageAttributeNames(messageAttributeNames);
        }
        return client.receiveMessage(request.build()).messages();
    }

    private static List<String> split(String names) {
        if (names == null || names.isBlank()) {
            return List.of();
        }
        return new ArrayList<>(Arrays.stream(names.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList());
    }
}
