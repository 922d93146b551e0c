package io.devagent.sandbox;

/** A started shell and the way to end it together with everything it started. */
public interface ConfinedProcess {

    Process process();

    /** Kills the process and every process it started, including those that left its tree; returns when done. */
    void killAll();
}
