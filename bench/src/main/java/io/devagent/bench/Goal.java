package io.devagent.bench;

/**
 * One of issue 9's goals with the figure a benchmark measured for it. {@code value} and
 * {@code limit} are in the same unit; {@code atMost} says which side of the limit meets the goal
 * (at most, or at least). The ratio to the goal is {@code value / limit}: at most 1 meets an
 * at-most goal, at least 1 an at-least goal.
 */
record Goal(String id, String figure, double value, String unit, boolean atMost, double limit, String command, String measuredAt) {

    double ratioToGoal() {
        return value / limit;
    }

    boolean met() {
        return atMost ? value <= limit : value >= limit;
    }
}
