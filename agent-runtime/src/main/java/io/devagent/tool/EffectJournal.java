package io.devagent.tool;

/**
 * Called by a side-effecting tool right before the irreversible part of its work. The run journals
 * an intent (fsync'd) there, so that after a crash it knows the effect may have happened.
 */
@FunctionalInterface
public interface EffectJournal {

    EffectJournal NONE = effect -> {
    };

    void begin(Effect effect) throws ToolException;
}
