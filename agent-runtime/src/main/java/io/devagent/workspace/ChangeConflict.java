package io.devagent.workspace;

import java.util.List;

/** Files that changed since the snapshot a change was computed from: moving them would lose someone's edit. */
public final class ChangeConflict extends Exception {

    private final List<String> files;

    public ChangeConflict(String message, List<String> files) {
        super(message + ": " + String.join(", ", files), null, false, false);
        this.files = List.copyOf(files);
    }

    public List<String> files() {
        return files;
    }
}
