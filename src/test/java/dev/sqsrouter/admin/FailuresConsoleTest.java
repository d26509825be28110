package dev.sqsrouter.admin;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureStatus;
import dev.sqsrouter.failure.StoredFailure;
import dev.sqsrouter.ingress.IngressTestSupport;
import dev.sqsrouter.sandbox.SampleResponseServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The failures console in a real browser (headless Chromium through chromedriver) against the app on the emulators:
 * the key prompt, the list with its counts, filters and pages, one record in full, a group's replay and a discard.
 */
class FailuresConsoleTest extends IngressTestSupport {

    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final File CHROMIUM = new File("/usr/bin/chromium");

    private static ChromeDriverService driverService;
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        // Debian's chromium and chromium-driver (.ci/run installs them); Selenium Manager would try to download a browser
        for (File file : List.of(CHROMEDRIVER, CHROMIUM)) {
            if (!file.canExecute()) {
                throw new IllegalStateException(file + " is missing: the console's browser test needs Debian's chromium and"
                        + " chromium-driver (apt-get install chromium chromium-driver, as .ci/run does)");
            }
        }
        driverService = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900");
        browser = new ChromeDriver(driverService, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
    }

    // ---- the page as served ------------------------------------------------------------------------------------------

    @Test
    void theConsoleIsServedByTheAppWithItsContentTypesAndNothingElse() {
        HttpResponse<String> bare = call("GET", "/console", (String) null);
        assertEquals(301, bare.statusCode(), bare.body());
        assertEquals("/console/", bare.headers().firstValue("Location").orElse(""));

        HttpResponse<String> page = call("GET", "/console/", (String) null);
        assertEquals(200, page.statusCode(), page.body());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        assertTrue(page.body().contains("<script src=\"console.js\""), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertEquals("text/javascript; charset=utf-8", call("GET", "/console/console.js", (String) null)
                .headers().firstValue("Content-Type").orElse(""));
        assertEquals("text/css; charset=utf-8", call("GET", "/console/console.css", (String) null)
                .headers().firstValue("Content-Type").orElse(""));

        // only the console's own files: not the configuration, not a class, nothing from the working directory
        assertRefused(call("GET", "/console/application.properties", (String) null), 404, "not_found");
        assertRefused(call("GET", "/console/console/index.html", (String) null), 404, "not_found");
        assertRefused(call("GET", "/console/..%2Fapplication.properties", (String) null), 404, "not_found");
        assertRefused(call("POST", "/console/", "{}"), 405, "method_not_allowed");
    }

    // ---- key, list, counts, filters, pages -----------------------------------------------------------------------------

    @Test
    void anIngressKeyIsRefusedAtThePromptAndTheAdminKeyOpensAllOpenFailuresNewestFirstWithCounts() {
        Instant t0 = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        store("queue-1", "g-a", 11, FailureClass.BUSINESS, t0.plusSeconds(60));
        store("queue-2", "g-b", 12, FailureClass.MALFORMED, t0.plusSeconds(120));
        store("queue-1", "g-a", 13, FailureClass.BUSINESS, t0.plusSeconds(180));
        store("queue-2", "a/b+c", 14, FailureClass.POISON, t0.plusSeconds(240));
        store("queue-1", "g-c", 15, FailureClass.BUSINESS, t0.plusSeconds(300));

        // two to a page, so that paging shows
        open("/console/?limit=2");
        signIn(API_KEY);
        waitFor(d -> text("login-error").contains("403"));
        assertTrue(browser.findElement(testId("login")).isDisplayed());
        assertEquals(null, sessionKey(), "a refused key is not kept");

        signIn(ADMIN_KEY);
        waitForSequences(List.of("15", "14"));
        assertEquals(ADMIN_KEY, sessionKey());
        assertEquals("(5)", text("counts-total"));
        assertEquals(Map.of("queue-1", "3 BUSINESS 3", "queue-2", "2 MALFORMED 1 POISON 1"), counts());

        click("next-page");
        waitForSequences(List.of("13", "12"));
        assertEquals("page 2", text("page-number"));
        click("next-page");
        waitForSequences(List.of("11"));
        waitFor(d -> !browser.findElement(testId("next-page")).isDisplayed());
        click("first-page");
        waitForSequences(List.of("15", "14"));

        // filter by queue: its failures only, still newest first
        type("f-queue", "queue-2");
        click("apply-filters");
        waitForSequences(List.of("14", "12"));
        assertEquals(List.of("queue-2", "queue-2"), column(1));
        // a count opens its queue and class
        click(browser.findElements(testId("count-class")).stream().filter(e -> e.getText().startsWith("BUSINESS"))
                .findFirst().orElseThrow());
        waitForSequences(List.of("15", "13"));
        assertEquals("queue-1", browser.findElement(testId("f-queue")).getAttribute("value"));
        // by group, across statuses
        click("reset-filters");
        waitForSequences(List.of("15", "14"));
        type("f-group", "a/b+c");
        new Select(browser.findElement(testId("f-status"))).selectByVisibleText("ALL");
        click("apply-filters");
        waitForSequences(List.of("14"));
        assertEquals(List.of("a/b+c"), column(2));

        // a time range, read as UTC (the browser's own date picker is set directly: its typing depends on the locale)
        click("reset-filters");
        waitForSequences(List.of("15", "14"));
        setValue("f-from", t0.plusSeconds(150).toString().substring(0, 19));
        setValue("f-to", t0.plusSeconds(250).toString().substring(0, 19));
        click("apply-filters");
        waitForSequences(List.of("14", "13"));

        // the API's refusal is shown as it came
        click("reset-filters");
        waitForSequences(List.of("15", "14"));
        type("f-queue", "no-such-queue");
        click("apply-filters");
        waitFor(d -> text("error").startsWith("404 unknown_queue: "));
    }

    // ---- one record, replay --------------------------------------------------------------------------------------------

    @Test
    void aRecordOpensInFullAndReplayingItsGroupSendsTheGroupAgainInOrder() {
        // parked by the relay itself: the response server answers status_code 500 to each
        List<String> messageIds = new java.util.ArrayList<>();
        for (int seq = 1; seq <= 3; seq++) {
            HttpResponse<String> sent = post("queue-1", message("g-replay", seq, 500));
            assertEquals(200, sent.statusCode(), sent.body());
            messageIds.add(json(sent).path("SendMessageResponse").path("SendMessageResult").path("MessageId").asText());
        }
        assertEquals(200, post("queue-2", message("g-other", 1, 500)).statusCode());
        await().atMost(20, SECONDS).until(() -> failures("queue-1", "g-replay").size() == 3 && failures("queue-2", "g-other").size() == 1);
        List<String> firstDelivery = target.received().stream().filter(body -> body.contains("g-replay")).toList();
        assertEquals(3, firstDelivery.size());

        open("/console/");
        signIn(ADMIN_KEY);
        waitFor(d -> rows().size() == 4);
        FailureRecord second = failures("queue-1", "g-replay").get(1);
        click(rows().stream().filter(row -> second.sequence().equals(row.findElements(By.tagName("td")).get(3).getText()))
                .findFirst().orElseThrow());

        waitFor(d -> text("r-status").equals("OPEN"));
        assertEquals("{\"data\":" + message("g-replay", 2, 500) + "}", text("r-body"));
        assertEquals(second.reason(), text("r-reason"));
        assertTrue(text("r-reason").contains("status_code 500"), text("r-reason"));
        assertEquals("200", text("r-httpStatus"));
        assertTrue(text("r-answer").contains("\"status_code\""), text("r-answer"));
        assertEquals("1", text("r-receiveCount"));
        assertEquals(messageIds.get(1), text("r-messageId"));
        assertEquals(messageIds.get(1), text("r-idempotencyKey"), "without a client key, the first message id is the key");
        assertEquals("BUSINESS", text("r-class"));
        assertTrue(browser.getCurrentUrl().endsWith("#record/queue-1/g-replay/" + second.sortKey()), browser.getCurrentUrl());

        click("replay-group");
        waitFor(ExpectedConditions.visibilityOfElementLocated(testId("replay-dialog")));
        assertTrue(text("replay-dialog").contains("g-replay"));
        click("replay-confirm");
        waitFor(d -> text("r-status").equals("REPLAYED"));
        assertEquals("Replayed 3, skipped 0.", text("action-result"));

        // the same three bodies reach the response server again, in their order; the other group is not touched
        await().atMost(20, SECONDS).until(() -> target.received().stream().filter(b -> b.contains("g-replay")).count() == 6);
        List<String> replayGroup = target.received().stream().filter(body -> body.contains("g-replay")).toList();
        assertEquals(firstDelivery, replayGroup.subList(3, 6));
        assertEquals(Map.of("g-other", List.of(1), "g-replay", List.of(1, 2, 3, 1, 2, 3)), sequencesByGroup(target.received()));
        assertEquals(List.of(messageIds.get(0), messageIds.get(1), messageIds.get(2)),
                target.requests().stream().filter(r -> r.body().contains("g-replay")).skip(3)
                        .map(SampleResponseServer.Request::idempotencyKey).toList());
        // the three records are REPLAYED (refused again, the copies are parked as new records)
        List<StoredFailure> stored = failureStore().entries(queue("queue-1"), "g-replay");
        assertEquals(List.of(FailureStatus.REPLAYED, FailureStatus.REPLAYED, FailureStatus.REPLAYED),
                stored.stream().filter(e -> messageIds.contains(e.record().messageId())).map(StoredFailure::status).toList());
        assertEquals(FailureStatus.OPEN, failureStore().entries(queue("queue-2"), "g-other").get(0).status());
    }

    // ---- deep link, discard, escaping ----------------------------------------------------------------------------------

    @Test
    void aDeepLinkOpensTheRecordAndADiscardNeedsAReasonThatIsKept() {
        String hostile = "{\"data\":{\"MessageGroupID\":\"a/b+c\",\"note\":\"<img src=x onerror=\\\"document.title='owned'\\\">\"}}";
        FailureRecord record = new FailureRecord(queue("queue-2"), "a/b+c", "21", "message-21", hostile, FailureClass.BUSINESS,
                "answered <b>no</b>", 200, "{\"status_code\": 422}", 2, Instant.now(), Instant.now());
        appFailureStore().record(record);

        // a group with '/' and '+' is percent-encoded in the link, as the alerts write it
        open("/console/#record/queue-2/a%2Fb%2Bc/" + record.sortKey());
        signIn(ADMIN_KEY);
        waitFor(d -> text("r-status").equals("OPEN"));
        // shown as text: the markup in the body and the reason is not run, nor made into elements
        assertEquals(hostile, text("r-body"));
        assertEquals("answered <b>no</b>", text("r-reason"));
        assertEquals(0, browser.findElements(By.cssSelector("#record img, #record b")).size());
        assertEquals("sqs-router failures", browser.getTitle());
        assertEquals("2", text("r-receiveCount"));

        // without a reason the browser does not send the discard
        click("discard");
        assertEquals(Boolean.FALSE, ((JavascriptExecutor) browser).executeScript(
                "return document.getElementById('discard-reason').checkValidity()"));
        assertEquals("OPEN", text("r-status"));

        String reason = "duplicate of order 42 <script>alert(1)</script>";
        type("discard-reason", reason);
        click("discard");
        waitFor(d -> text("r-status").equals("DISCARDED"));
        assertEquals(reason, text("r-discardReason"));
        assertEquals("Discarded.", text("action-result"));
        assertTrue(browser.findElements(testId("discard-form")).stream().noneMatch(WebElement::isDisplayed),
                "a discarded record cannot be discarded again");

        StoredFailure stored = failureStore().find(queue("queue-2"), "a/b+c", record.sortKey()).orElseThrow();
        assertEquals(FailureStatus.DISCARDED, stored.status());
        assertEquals(reason, stored.discardReason());
    }

    // ---- helpers -------------------------------------------------------------------------------------------------------

    private static String message(String group, int seq, int status) {
        return "{\"MessageGroupID\":\"" + group + "\",\"transSeq\":\"" + seq + "\",\"http_status\":" + status + "}";
    }

    /** A record as the relay parks it, recorded at the given time. */
    private void store(String alias, String group, int sequence, FailureClass failureClass, Instant recordedAt) {
        appFailureStore().record(new FailureRecord(queue(alias), group, Integer.toString(sequence), "message-" + sequence,
                "{\"data\":" + message(group, sequence, 500) + "}", failureClass, "refused " + sequence, 200,
                "{\"status_code\": 500}", 1, recordedAt, recordedAt));
    }

    private void open(String path) {
        browser.get("http://127.0.0.1:" + serverPort() + path);
    }

    private void signIn(String key) {
        waitFor(ExpectedConditions.visibilityOfElementLocated(testId("key")));
        type("key", key);
        click("key-submit");
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }

    private static String text(String id) {
        return browser.findElement(testId(id)).getText();
    }

    private static void type(String id, String text) {
        WebElement field = browser.findElement(testId(id));
        field.clear();
        field.sendKeys(text);
    }

    private static void setValue(String id, String value) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1]", browser.findElement(testId(id)), value);
    }

    private static void click(String id) {
        click(browser.findElement(testId(id)));
    }

    private static void click(WebElement element) {
        waitFor(ExpectedConditions.elementToBeClickable(element)).click();
    }

    private static String sessionKey() {
        return (String) ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('sqs-router.admin-key')");
    }

    private static <T> T waitFor(Function<WebDriver, T> condition) {
        // the page redraws its tables: an element read as it is replaced is read again
        return new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class).until(condition);
    }

    private static List<WebElement> rows() {
        return browser.findElements(testId("failure-row"));
    }

    /** The text of one column of the list, top to bottom (0 = recorded at). */
    private static List<String> column(int index) {
        return rows().stream().map(row -> row.findElements(By.tagName("td")).get(index).getText()).toList();
    }

    /** Waits until the list shows these sequence numbers, top to bottom. */
    private static void waitForSequences(List<String> sequences) {
        try {
            waitFor(d -> column(3).equals(sequences));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the list shows " + column(3) + ", not " + sequences + "; error: "
                    + browser.findElement(testId("error")).getText(), e);
        }
    }

    /** The counts table: queue alias -> "total CLASS n ...". */
    private static Map<String, String> counts() {
        Map<String, String> counts = new java.util.TreeMap<>();
        for (WebElement row : browser.findElements(testId("count-row"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            counts.put(cells.get(0).getText(), cells.get(1).getText() + " " + cells.get(2).getText());
        }
        return counts;
    }
}
