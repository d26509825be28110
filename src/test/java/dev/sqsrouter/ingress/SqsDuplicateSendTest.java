package dev.sqsrouter.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;

import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import dev.sqsrouter.sandbox.MotoServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * What a FIFO queue answers to a send whose deduplication id it has seen within 5 minutes: success, and one message
 * in the queue; the MessageId differs between implementations (ElasticMQ answers the first's while it is in the queue,
 * moto a new id), so the answer alone does not tell a repeat. The ingress therefore remembers its own first answers.
 */
class SqsDuplicateSendTest {

    @Test
    void elasticMqAnswersARepeatWithTheFirstMessageId() {
        SqsClient sqs = AwsTestClients.sqs(Emulators.shared().sqsEndpoint());
        List<SendMessageResponse> answers = sendTwice(sqs, "duplicate-send-elasticmq-" + System.nanoTime() + ".fifo");
        assertEquals(answers.get(0).messageId(), answers.get(1).messageId());
        assertEquals(answers.get(0).sequenceNumber(), answers.get(1).sequenceNumber());
    }

    @Test
    void motoAnswersARepeatWithANewMessageIdButKeepsOneMessage() {
        SqsClient sqs = AwsTestClients.sqs(MotoServer.shared().endpoint());
        List<SendMessageResponse> answers = sendTwice(sqs, "duplicate-send-moto-" + System.nanoTime() + ".fifo");
        assertNotEquals(answers.get(0).messageId(), answers.get(1).messageId());
    }

    /** Sends two bodies with one deduplication id; both succeed, and only the first is in the queue. */
    private static List<SendMessageResponse> sendTwice(SqsClient sqs, String queue) {
        String url = sqs.createQueue(b -> b.queueName(queue).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
                .queueUrl();
        SendMessageResponse first = sqs.sendMessage(b -> b.queueUrl(url).messageBody("first").messageGroupId("g")
                .messageDeduplicationId("k"));
        SendMessageResponse second = sqs.sendMessage(b -> b.queueUrl(url).messageBody("second").messageGroupId("g")
                .messageDeduplicationId("k"));
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        assertEquals(List.of("first"), messages.stream().map(Message::body).toList());
        assertEquals(first.messageId(), messages.get(0).messageId());
        return List.of(first, second);
    }
}
