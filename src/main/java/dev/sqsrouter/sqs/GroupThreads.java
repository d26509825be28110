package dev.sqsrouter.sqs;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

/**
 * Where the groups of one consumer run: a virtual thread per run of a group, so that a group held in flight (waiting on
 * a slow response server, or for a retry) costs memory and no platform thread, and one timer thread that only hands due
 * work (a retry in place, a delayed delete) to them. Once stopped, work handed to it runs in the caller, which sees the
 * stop and gives its messages back: a dropped run would never settle its messages.
 */
final class GroupThreads {

    private final ExecutorService runs;
    private final ScheduledExecutorService timer;
    private final ExecutorServiceManager executors;

    GroupThreads(Object owner, String queue, ExecutorServiceManager executors) {
        this.executors = executors;
        // the JDK's: Camel's manager makes virtual threads only when told to for the whole JVM
        this.runs = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sqs-ordered[" + queue + "]-", 0).factory());
        // Abort, not Camel's default CallerRuns: after shutdown CallerRuns drops a task silently
        this.timer = executors.newScheduledThreadPool(owner, "sqs-ordered-timer[" + queue + "]",
                new ThreadPoolProfileBuilder("sqs-ordered-timer").poolSize(1).maxPoolSize(1).maxQueueSize(-1)
                        .allowCoreThreadTimeOut(false).rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());
    }

    /** Runs the task on a virtual thread of its own, or in the caller once stopped. */
    void execute(Runnable task) {
        try {
            runs.execute(task);
        } catch (RejectedExecutionException stopped) {
            task.run();
        }
    }

    /** Runs the task after the delay; throws RejectedExecutionException once stopped. */
    void schedule(Runnable task, long delayMs) {
        timer.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Runs the task on a virtual thread after the delay, or at once in the caller once stopped. */
    void later(Runnable task, long delayMs) {
        try {
            schedule(() -> execute(task), delayMs);
        } catch (RejectedExecutionException stopped) {
            execute(task);
        }
    }

    /** Lets the runs under way end (they see the consumer stopping after their current message), then ends the timer. */
    void stop() throws InterruptedException {
        runs.shutdown();
        if (!runs.awaitTermination(executors.getShutdownAwaitTermination(), TimeUnit.MILLISECONDS)) {
            runs.shutdownNow();
        }
        executors.shutdownNow(timer);
    }
}
