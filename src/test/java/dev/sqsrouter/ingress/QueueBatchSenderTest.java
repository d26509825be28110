package dev.sqsrouter.ingress;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.sqsrouter.sandbox.Emulators;
import dev.sqsrouter.sandbox.MotoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The ingress's sends to one queue, batched by the load: against ElasticMQ, with the SDK calls counted (and the first
 * held) by an interceptor on the client.
 */
class QueueBatchSenderTest {

    /**
     * Each SendMessageBatch call's entry count, and -1 for each SendMessage (a batch of one goes as one), in the order
     * they were made.
     */
    private final List<Integer> calls = new CopyOnWriteArrayList<>();
    private final CountDownLatch releaseFirstCall = new CountDownLatch(1);
    private volatile boolean holdFirstCall;
    private SqsClient sqs;
    private String queueUrl;
    private ExecutorService senders;

    @BeforeEach
    void queue() {
        queueOn(Emulators.shared().sqsEndpoint());
    }

    private void queueOn(String endpoint) {
        if (sqs != null) {
            sqs.close();
        }
        calls.clear();
        sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        SdkRequest request = context.request();
                        if (request instanceof SendMessageBatchRequest batch) {
                            calls.add(batch.entries().size());
                        } else if (request instanceof SendMessageRequest) {
                            calls.add(-1);
                        } else {
                            return;
                        }
                        if (holdFirstCall && calls.size() == 1) {
                            try {
                                releaseFirstCall.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                }))
                .build();
        queueUrl = sqs.createQueue(b -> b.queueName("batch-sender-" + System.nanoTime() + ".fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        if (senders == null) {
            senders = Executors.newVirtualThreadPerTaskExecutor();
        }
    }

    @AfterEach
    void close() {
        releaseFirstCall.countDown();
        senders.shutdownNow();
        sqs.close();
    }

    @Test
    void sendsThatArriveWhileACallIsUnderWayShareTheNextCallsAndEachGetsItsOwnAnswer() throws Exception {
        sendFortyWhileTheFirstCallIsHeld();
    }

    /** moto answers a batch's FIFO sequence numbers as SQS does (ElasticMQ 1.7.1 leaves them out). */
    @Test
    void eachBatchedSendGetsTheSequenceNumberSqsGaveIt() throws Exception {
        queueOn(MotoServer.shared().endpoint());
        List<SendMessageResponse> answers = sendFortyWhileTheFirstCallIsHeld();
        Set<String> sequenceNumbers = new HashSet<>();
        for (SendMessageResponse sent : answers) {
            assertNotNull(sent.sequenceNumber(), sent.toString());
            sequenceNumbers.add(sent.sequenceNumber());
        }
        assertEquals(40, sequenceNumbers.size());
    }

    private List<SendMessageResponse> sendFortyWhileTheFirstCallIsHeld() throws Exception {
        QueueBatchSender sender = new QueueBatchSender(sqs, queueUrl, 1);
        holdFirstCall = true;
        List<Future<SendMessageResponse>> answers = new ArrayList<>();
        answers.add(senders.submit(() -> sender.send(entry("g0", 0))));
        await().atMost(10, SECONDS).until(() -> calls.size() == 1);
        // the one call allowed is under way: the next 39 wait for it, then go ten at a time, in the order they came
        for (int i = 1; i < 40; i++) {
            int seq = i;
            answers.add(senders.submit(() -> sender.send(entry("g" + (seq % 3), seq))));
            await().atMost(10, SECONDS).until(() -> sender.waiting() == seq);
        }
        releaseFirstCall.countDown();

        List<SendMessageResponse> sent = new ArrayList<>();
        Set<String> messageIds = new HashSet<>();
        for (Future<SendMessageResponse> answer : answers) {
            sent.add(answer.get(30, SECONDS));
            messageIds.add(sent.get(sent.size() - 1).messageId());
        }
        assertEquals(List.of(-1, 10, 10, 10, 9), calls);
        assertEquals(40, messageIds.size(), "each send has a message of its own");
        // every message is in the queue, each group's in the order they were sent
        Map<String, List<Integer>> byGroup = new java.util.TreeMap<>();
        for (Message message : receiveAll(40)) {
            String[] groupAndSeq = message.body().split(":");
            byGroup.computeIfAbsent(groupAndSeq[0], g -> new ArrayList<>()).add(Integer.parseInt(groupAndSeq[1]));
        }
        Map<String, List<Integer>> expected = new java.util.TreeMap<>();
        for (int i = 0; i < 40; i++) {
            expected.computeIfAbsent("g" + (i % 3), g -> new ArrayList<>()).add(i);
        }
        assertEquals(expected, byGroup);
        return sent;
    }

    @Test
    void aLoneSendIsSentAtOnceAlone() {
        QueueBatchSender sender = new QueueBatchSender(sqs, queueUrl, 4);
        for (int i = 0; i < 3; i++) {
            assertNotNull(sender.send(entry("g", i)).messageId());
        }
        assertEquals(List.of(-1, -1, -1), calls);
        assertEquals(List.of("g:0", "g:1", "g:2"), receiveAll(3).stream().map(Message::body).toList());
    }

    @Test
    void anEntrySqsRefusesFailsAloneAndTheOthersInItsCallAreSent() throws Exception {
        QueueBatchSender sender = new QueueBatchSender(sqs, queueUrl, 1);
        holdFirstCall = true;
        Future<SendMessageResponse> first = senders.submit(() -> sender.send(entry("g", 0)));
        await().atMost(10, SECONDS).until(() -> calls.size() == 1);
        Future<SendMessageResponse> good = senders.submit(() -> sender.send(entry("g", 1)));
        await().atMost(10, SECONDS).until(() -> sender.waiting() == 1);
        // SQS refuses a FIFO message without a group: that entry, not the call
        Future<SendMessageResponse> refused = senders.submit(() -> sender.send(SendMessageBatchRequestEntry.builder()
                .messageBody("no group").messageDeduplicationId("d-none").build()));
        await().atMost(10, SECONDS).until(() -> sender.waiting() == 2);
        releaseFirstCall.countDown();

        assertNotNull(first.get(30, SECONDS).messageId());
        assertNotNull(good.get(30, SECONDS).messageId());
        ExecutionException failure = assertThrows(ExecutionException.class, () -> refused.get(30, SECONDS));
        assertInstanceOf(SqsException.class, failure.getCause(), "the refused entry's caller gets SQS's error for it");
        assertEquals(List.of(-1, 2), calls);
        assertEquals(List.of("g:0", "g:1"), receiveAll(2).stream().map(Message::body).toList());
    }

    @Test
    void aMessageLargerThanABatchAllowsGoesAloneInASendMessage() {
        QueueBatchSender sender = new QueueBatchSender(sqs, queueUrl, 4);
        String large = "x".repeat(QueueBatchSender.BATCH_BYTES + 1);
        SendMessageResponse sent = sender.send(SendMessageBatchRequestEntry.builder().messageBody(large)
                .messageGroupId("g").messageDeduplicationId("large").build());
        assertNotNull(sent.sequenceNumber());
        assertEquals(List.of(-1), calls);
        assertEquals(large.length(), receiveAll(1).get(0).body().length());
    }

    private static SendMessageBatchRequestEntry entry(String group, int seq) {
        return SendMessageBatchRequestEntry.builder().messageBody(group + ":" + seq).messageGroupId(group)
                .messageDeduplicationId(group + "-" + seq).build();
    }

    /** Receives until {@code expected} messages came, deleting each; FIFO keeps each group's order. */
    private List<Message> receiveAll(int expected) {
        List<Message> all = new ArrayList<>();
        await().atMost(30, SECONDS).until(() -> {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            for (Message message : batch) {
                all.add(message);
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
            return all.size() >= expected;
        });
        assertEquals(expected, all.size());
        return all;
    }
}
