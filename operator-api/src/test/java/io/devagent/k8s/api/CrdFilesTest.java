package io.devagent.k8s.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Generates the CRDs from the Java types into {@code target/crds} and fails when the committed
 * {@code crds/} at the repository root differ: the build breaks on drift. {@code ./scripts/update-crds}
 * (this test with {@code -Dcrds.update=true}) rewrites {@code crds/}.
 */
class CrdFilesTest {

    static final List<Class<? extends HasMetadata>> RESOURCES = List.of(AgentRun.class, PolicyResource.class);
    static final Path GENERATED = Path.of("target", "crds");
    static final Path COMMITTED = Path.of("..", "crds");

    /** Generates the CRD files into {@code dir}, with the printer columns in the order the annotations declare them. */
    static void generate(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
        Files.createDirectories(dir);
        new CRDGenerator()
                .customResourceClasses(RESOURCES)
                .forCRDVersions("v1")
                .withPostProcessor(new DeclaredColumnOrder())
                .withParallelGenerationEnabled(false)
                .inOutputDir(dir.toFile())
                .generate();
    }

    /** fabric8 sorts printer columns by JSON path; kubectl shows them in the CRD's order, so put them back in declaration order. */
    static final class DeclaredColumnOrder implements CRDPostProcessor {
        @Override
        public HasMetadata process(HasMetadata crd, String version) {
            CustomResourceDefinition definition = (CustomResourceDefinition) crd;
            Class<?> type = RESOURCES.stream()
                    .filter(c -> HasMetadata.getFullResourceName(c).equals(definition.getMetadata().getName()))
                    .findFirst().orElseThrow();
            List<String> order = Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
                    .map(AdditionalPrinterColumn::name).toList();
            definition.getSpec().getVersions().forEach(v -> {
                if (v.getAdditionalPrinterColumns() != null) {
                    List<CustomResourceColumnDefinition> columns = new ArrayList<>(v.getAdditionalPrinterColumns());
                    columns.sort(Comparator.comparingInt(c -> order.indexOf(c.getName())));
                    v.setAdditionalPrinterColumns(columns);
                }
            });
            return definition;
        }
    }

    @Test
    void committedCrdsAreThoseGeneratedFromTheJavaTypes() throws IOException {
        generate(GENERATED);
        if (Boolean.getBoolean("crds.update")) {
            Files.createDirectories(COMMITTED);
            try (Stream<Path> old = Files.list(COMMITTED)) {
                for (Path f : old.filter(p -> p.toString().endsWith(".yml")).toList()) {
                    Files.delete(f);
                }
            }
            for (String name : names(GENERATED)) {
                Files.copy(GENERATED.resolve(name), COMMITTED.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        List<String> problems = new ArrayList<>();
        TreeSet<String> generated = names(GENERATED);
        TreeSet<String> committed = Files.isDirectory(COMMITTED) ? names(COMMITTED) : new TreeSet<>();
        for (String name : generated) {
            if (!committed.contains(name)) {
                problems.add("crds/" + name + " is missing");
            } else if (!Files.readString(GENERATED.resolve(name)).equals(Files.readString(COMMITTED.resolve(name)))) {
                problems.add("crds/" + name + " differs from the CRD generated from the Java types");
            }
        }
        for (String name : committed) {
            if (!generated.contains(name)) {
                problems.add("crds/" + name + " is not generated from any Java type any more");
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("; ", problems) + ". Run ./scripts/update-crds and commit crds/ (generated: operator-api/target/crds).");
        }
    }

    @Test
    void agentRunsListWithPhaseStepTokensAndAgeAndHaveAStatusSubresource() throws IOException {
        generate(GENERATED);
        CustomResourceDefinition crd = read("agentruns.devagent.io-v1.yml");
        assertThat(crd.getSpec().getNames().getShortNames()).contains("ar");
        var version = crd.getSpec().getVersions().get(0);
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getSubresources().getStatus()).isNotNull();
        assertThat(version.getAdditionalPrinterColumns().stream().filter(c -> c.getPriority() == 0)
                .map(CustomResourceColumnDefinition::getName)).containsExactly("Phase", "Step", "Tokens", "Age");
        var spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        // The model may come from the operator's default (the chart's model values).
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("goal");
        assertThat(spec.getProperties().get("retry").getMinimum()).isEqualTo(0.0);
        assertThat(spec.getProperties().get("maxSteps").getMinimum()).isEqualTo(1.0);
        assertThat(spec.getProperties().get("workspace").getXKubernetesValidations()).isNotEmpty();
        var status = version.getSchema().getOpenAPIV3Schema().getProperties().get("status").getProperties();
        assertThat(status.keySet()).contains("phase", "runId", "currentStep", "tokens", "podName", "answer", "message",
                "observedGeneration", "conditions");
    }

    @Test
    void policySpecIsTheRuntimePolicyModelWithItsBoundsAsValidationRules() throws IOException {
        generate(GENERATED);
        CustomResourceDefinition crd = read("policies.devagent.io-v1.yml");
        var schema = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
        Map<String, ?> spec = schema.getProperties().get("spec").getProperties();
        // The record components of io.devagent.policy.Policy, nothing more and nothing less.
        List<String> components = Arrays.stream(io.devagent.policy.Policy.class.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName).toList();
        assertThat(spec.keySet()).containsExactlyInAnyOrderElementsOf(components);
        assertThat(schema.getXKubernetesValidations()).extracting(r -> r.getRule())
                .anyMatch(rule -> rule.contains("maxToolOutputBytes >= 256"));
    }

    private static CustomResourceDefinition read(String name) throws IOException {
        return Serialization.unmarshal(Files.readString(GENERATED.resolve(name)), CustomResourceDefinition.class);
    }

    private static TreeSet<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml"))
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }
}
