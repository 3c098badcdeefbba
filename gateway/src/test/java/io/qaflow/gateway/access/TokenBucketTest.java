package io.qaflow.gateway.access;

import io.qaflow.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final TokenBucket.Limit FORTY = new TokenBucket.Limit(40, 40);

    /** Takes {@code count} tokens at {@code now}; {@code state[0]} holds the bucket between calls. */
    private static List<Decision> takeMany(TokenBucket.State[] state, long now, TokenBucket.Limit limit, int count) {
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TokenBucket.Step step = TokenBucket.take(state[0], now, limit);
            state[0] = step.state();
            decisions.add(step.decision());
        }
        return decisions;
    }

    @Test
    void aNewBucketAdmitsItsBurstAtOnceThenRefusesWithTheWaitForTheNextToken() {
        TokenBucket.State[] state = {null};
        List<Decision> decisions = takeMany(state, T0, FORTY, 41);

        assertThat(decisions.subList(0, 40)).allMatch(Decision::allowed);
        assertThat(decisions.get(0).remaining()).isEqualTo(39);
        assertThat(decisions.get(39).remaining()).isZero();
        assertThat(decisions.get(0).millisUntilNextToken()).isZero();
        Decision refused = decisions.get(40);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.limit()).isEqualTo(40);
        assertThat(refused.remaining()).isZero();
        // 40 a minute: one token every 1.5 s, a full bucket in 60 s
        assertThat(refused.millisUntilNextToken()).isEqualTo(1_500);
        assertThat(refused.millisUntilFull()).isEqualTo(60_000);
        assertThat(refused.retryAfterSeconds()).isEqualTo(2);
        assertThat(refused.resetSeconds()).isEqualTo(60);
        assertThat(refused.shared()).isFalse();
        assertThat(state[0]).isEqualTo(new TokenBucket.State(0, T0));
    }

    @Test
    void anEmptyBucketRefillsRequestsPerMinuteOverAMinuteAndNoFaster() {
        TokenBucket.State[] state = {null};
        takeMany(state, T0, FORTY, 40);

        assertThat(TokenBucket.take(state[0], T0 + 1_499, FORTY).decision().allowed()).isFalse();
        Decision after = TokenBucket.take(state[0], T0 + 1_500, FORTY).decision();
        assertThat(after.allowed()).isTrue();
        assertThat(after.remaining()).isZero();
        assertThat(after.millisUntilNextToken()).isEqualTo(1_500);

        // 30 s later: 20 tokens, the 21st is refused
        List<Decision> half = takeMany(state, T0 + 30_000, FORTY, 21);
        assertThat(half.stream().filter(Decision::allowed).count()).isEqualTo(20);
    }

    @Test
    void aSteadyStreamGetsTheBurstPlusTheRateAndNoMore() {
        TokenBucket.Limit limit = new TokenBucket.Limit(600, 50);
        TokenBucket.State[] state = {null};
        long admitted = 0;
        for (long t = 0; t < 60_000; t += 7) {
            admitted += takeMany(state, T0 + t, limit, 1).stream().filter(Decision::allowed).count();
        }
        // the full bucket, plus 600 a minute refilled over the 60 s
        assertThat(admitted).isBetween(50L + 600 - 1, 50L + 600);
    }

    @Test
    void aLongIdleBucketIsFullNotOverfullAndTheArithmeticDoesNotOverflow() {
        TokenBucket.Limit limit = new TokenBucket.Limit(TokenBucket.MAX_RATE, 3);
        TokenBucket.State[] state = {null};
        takeMany(state, 0, limit, 3);

        List<Decision> later = takeMany(state, Long.MAX_VALUE / 2, limit, 4);
        assertThat(later).extracting(Decision::allowed).containsExactly(true, true, true, false);
        assertThat(later.get(0).remaining()).isEqualTo(2);
        assertThat(later.get(0).millisUntilFull()).isEqualTo(1);  // 60,000 units at 1,000,000 units/ms
    }

    @Test
    void aLoweredLimitCapsWhatTheBucketHeld() {
        TokenBucket.State full = TokenBucket.take(null, T0, new TokenBucket.Limit(100, 100)).state();
        Decision lowered = TokenBucket.take(full, T0, new TokenBucket.Limit(10, 5)).decision();
        assertThat(lowered.allowed()).isTrue();
        assertThat(lowered.remaining()).isEqualTo(4);
        assertThat(lowered.limit()).isEqualTo(5);
    }

    @Test
    void aClockGoingBackRefillsNothingAndKeepsTheLaterTime() {
        TokenBucket.State[] state = {null};
        takeMany(state, T0, FORTY, 40);

        TokenBucket.Step back = TokenBucket.take(state[0], T0 - 10_000, FORTY);
        assertThat(back.decision().allowed()).isFalse();
        assertThat(back.state()).isEqualTo(new TokenBucket.State(0, T0));
        assertThat(TokenBucket.take(back.state(), T0 + 1_500, FORTY).decision().allowed()).isTrue();
    }

    @Test
    void retryAfterIsAtLeastOneSecondAndRoundsUp() {
        assertThat(new Decision(false, 1, 0, 1, 1, true).retryAfterSeconds()).isEqualTo(1);
        assertThat(new Decision(false, 1, 0, 0, 0, true).retryAfterSeconds()).isEqualTo(1);
        assertThat(new Decision(false, 1, 0, 2_001, 2_001, true).retryAfterSeconds()).isEqualTo(3);
        assertThat(new Decision(true, 1, 0, 0, 999, true).resetSeconds()).isEqualTo(1);
        assertThat(new Decision(true, 1, 1, 0, 0, true).resetSeconds()).isZero();
    }

    @Test
    void limitsOutsideOneToAMillionAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TokenBucket.Limit(0, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> new TokenBucket.Limit(1, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new TokenBucket.Limit(TokenBucket.MAX_RATE + 1, 1));
    }

    @Test
    void localBucketsAreOnePerIdOnTheInjectedClock() {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0));
        LocalTokenBuckets buckets = new LocalTokenBuckets(clock);
        TokenBucket.Limit two = new TokenBucket.Limit(60, 2);

        assertThat(buckets.take("a", two).allowed()).isTrue();
        assertThat(buckets.take("a", two).allowed()).isTrue();
        assertThat(buckets.take("a", two).allowed()).isFalse();
        assertThat(buckets.take("b", two).allowed()).isTrue();

        clock.advance(Duration.ofSeconds(1));
        assertThat(buckets.take("a", two).allowed()).isTrue();
        assertThat(buckets.take("a", two).allowed()).isFalse();
    }
}
