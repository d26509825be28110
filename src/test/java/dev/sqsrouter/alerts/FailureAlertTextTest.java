package dev.sqsrouter.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sns.Sns2Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The parts of an alert without a broker: the quiet window, the link, the subject SNS accepts, the digest's counts. */
class FailureAlertTextTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static FailureRecord record(String queue, String group, String sequence, FailureClass failureClass, String reason) {
        return new FailureRecord(queue, group, sequence, "m-" + sequence, "{}", failureClass, reason, 200, null, 1, T0, T0);
    }

    @Test
    void theFirstFailureAfterAQuietWindowGoesAtOnceTheOthersAreSummedUp() {
        TestClock clock = new TestClock();
        FailureAlerts alerts = new FailureAlerts(Map.of(), "http://x", Duration.ofSeconds(60), clock);
        assertTrue(alerts.firstAfterQuiet(), "the very first");
        clock.now = T0.plusSeconds(59);
        assertFalse(alerts.firstAfterQuiet(), "within the window");
        clock.now = T0.plusSeconds(118);
        assertFalse(alerts.firstAfterQuiet(), "a trickle keeps the window open");
        clock.now = T0.plusSeconds(178);
        assertTrue(alerts.firstAfterQuiet(), "a whole window without a failure");
    }

    @Test
    void theLinkNamesTheAliasAndEncodesGroupAndKey() {
        FailureAlerts alerts = new FailureAlerts(Map.of("orders.fifo", "orders"), "https://ops.example/", Duration.ofSeconds(60),
                Clock.systemUTC());
        FailureAlert fifo = alerts.alertOf(record("orders.fifo", "eu/7 #1+", "42", FailureClass.POISON, "x"));
        assertEquals("https://ops.example/console/#record/orders/eu%2F7%20%231%2B/" + FailureRecord.paddedSequence("42"),
                fifo.link());
        // a standard queue: group "-", a key with '#' encoded; a queue the configuration does not name keeps its name
        FailureAlert standard = alerts.alertOf(record("other", null, null, FailureClass.MALFORMED, "y"));
        assertEquals("other", standard.alias());
        assertEquals("https://ops.example/console/#record/other/-/" + standard.key().replace("#", "%23"), standard.link());
    }

    @Test
    void reasonAndSubjectAreCutToWhatAnAlertAndSnsTake() {
        FailureAlerts alerts = new FailureAlerts(Map.of(), "http://x", Duration.ofSeconds(60), Clock.systemUTC());
        FailureAlert alert = alerts.alertOf(record("q\u00e9".repeat(40), "g", "1", FailureClass.BUSINESS,
                "line one\nline two " + "z".repeat(400)));
        assertEquals(FailureAlert.MAX_REASON_CHARS + 3, alert.reason().length());
        assertTrue(alert.reason().startsWith("line one line two zz"), alert.reason());

        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader("CamelAwsSqsMessageId", "not an attribute");
        exchange.getMessage().setBody(alert);
        alerts.single(exchange);
        String subject = exchange.getMessage().getHeader(Sns2Constants.SUBJECT, String.class);
        assertEquals(100, subject.length());
        assertTrue(subject.matches("[\\x20-\\x7E]+"), subject);
        assertEquals(Map.of(Sns2Constants.SUBJECT, subject, FailureAlerts.FAILURES_ATTRIBUTE, "1",
                FailureAlerts.KIND_ATTRIBUTE, FailureAlerts.KIND_FAILURE), exchange.getMessage().getHeaders(),
                "only the subject and the attributes");
    }

    @Test
    void controlCharactersOfUntrustedFieldsAreEncodedInTheAlertText() {
        FailureAlerts alerts = new FailureAlerts(Map.of("orders.fifo", "orders"), "https://ops.example", Duration.ofSeconds(60),
                Clock.systemUTC());
        FailureAlert alert = alerts.alertOf(record("orders.fifo", "g\u001b[31m", "42", FailureClass.BUSINESS,
                "server said \u001b[2J\u001b[31mall clear\u0007\u009b1m\r\nrecord: https://evil.example/"));
        assertEquals("server said \\u001b[2J\\u001b[31mall clear\\u0007\\u009b1m record: https://evil.example/", alert.reason());
        assertEquals("g\\u001b[31m", alert.group());
        assertEquals("https://ops.example/console/#record/orders/g%1B%5B31m/" + FailureRecord.paddedSequence("42"), alert.link(),
                "the link keeps the group itself, percent-encoded");

        Exchange single = new DefaultExchange(new DefaultCamelContext());
        single.getMessage().setBody(alert);
        alerts.single(single);
        String text = single.getMessage().getBody(String.class);
        assertTrue(text.contains("group:  g\\u001b[31m\n"), text);
        assertTrue(text.contains("reason: server said \\u001b[2J\\u001b[31mall clear\\u0007\\u009b1m record: https://evil.example/\n"),
                text);
        assertEquals(1, text.lines().filter(line -> line.startsWith("record:")).count(), text);
        assertEquals("", controlCharactersBut(text, '\n'), "no control character but the text's own line breaks");

        Exchange summary = new DefaultExchange(new DefaultCamelContext());
        summary.getMessage().setBody(new AlertDigest().add(alert).add(alert));
        alerts.summary(summary);
        String digest = summary.getMessage().getBody(String.class);
        assertTrue(digest.contains("  group g\\u001b[31m  BUSINESS: server said \\u001b[2J"), digest);
        assertEquals("", controlCharactersBut(digest, '\n'), digest);
    }

    private static String controlCharactersBut(String text, char allowed) {
        StringBuilder found = new StringBuilder();
        text.chars().filter(c -> Character.getType(c) == Character.CONTROL && c != allowed)
                .forEach(c -> found.append(String.format("U+%04X ", c)));
        return found.toString();
    }

    @Test
    void aDigestCountsEveryFailureAndKeepsOnlyTheFirstFew() {
        FailureAlerts alerts = new FailureAlerts(Map.of("a.fifo", "a", "b", "b"), "http://x", Duration.ofSeconds(60),
                Clock.systemUTC());
        AlertDigest digest = new AlertDigest();
        for (int i = 0; i < 1000; i++) {
            digest.add(alerts.alertOf(record(i % 4 == 0 ? "b" : "a.fifo", "g" + i, Integer.toString(i + 1),
                    i % 2 == 0 ? FailureClass.BUSINESS : FailureClass.POISON, "r")));
        }
        assertEquals(1000, digest.total());
        assertEquals(AlertDigest.SHOWN, digest.shown().size());
        assertEquals(Map.of("a (a.fifo)", Map.of(FailureClass.BUSINESS, 250L, FailureClass.POISON, 500L),
                "b", Map.of(FailureClass.BUSINESS, 250L)), digest.counts());

        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(digest);
        alerts.summary(exchange);
        String text = exchange.getMessage().getBody(String.class);
        assertTrue(text.startsWith("sqs-router: 1000 more failures recorded"), text);
        assertTrue(text.contains("  a (a.fifo): 750 (BUSINESS 250, POISON 500)\n"), text);
        assertTrue(text.contains("  b: 250 (BUSINESS 250)\n"), text);
        assertEquals("1000", exchange.getMessage().getHeader(FailureAlerts.FAILURES_ATTRIBUTE));
        assertEquals(FailureAlerts.KIND_SUMMARY, exchange.getMessage().getHeader(FailureAlerts.KIND_ATTRIBUTE));
    }
}
