package io.devagent.review;

import io.devagent.policy.Policy;
import io.devagent.tool.Hashes;
import io.devagent.tool.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReviewerTest {

    @TempDir
    Path root;

    @Test
    void aWrittenFileIsCheckedAtEveryStepAndAChangeBehindTheRunIsFound() throws Exception {
        Path notes = Files.writeString(root.resolve("notes.md"), "written by the run\n");
        Map<String, String> written = Map.of("notes.md", Hashes.sha256(notes).orElseThrow());
        Reviewer reviewer = new Reviewer(new Workspace(root));

        assertThat(reviewer.review(Policy.defaults(), List.of(), written).ok()).isTrue();
        assertThat(reviewer.review(Policy.defaults(), List.of(), written).ok()).isTrue();

        // Same size, so only the content and the modification time tell the change.
        FileTime before = Files.getLastModifiedTime(notes);
        Files.writeString(notes, "written by another\n".substring(0, "written by the run\n".length() - 1) + "\n");
        Files.setLastModifiedTime(notes, FileTime.fromMillis(before.toMillis() + 1000));
        Verdict changed = reviewer.review(Policy.defaults(), List.of(), written);
        assertThat(changed.ok()).isFalse();
        assertThat(changed.findings()).singleElement().asString().contains("notes.md").contains("changed outside the run");

        Files.delete(notes);
        assertThat(reviewer.review(Policy.defaults(), List.of(), written).findings()).singleElement().asString().contains("deleted");
    }
}
