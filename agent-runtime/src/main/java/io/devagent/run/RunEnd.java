package io.devagent.run;

/** A step's verdict that the run stops here: paused (resumable as it is) or failed, with the message for the user. */
record RunEnd(boolean paused, String message, boolean modelUnavailable) {

    static RunEnd pause(String why, boolean modelUnavailable) {
        return new RunEnd(true, why, modelUnavailable);
    }

    static RunEnd fail(String message) {
        return new RunEnd(false, message, false);
    }
}
