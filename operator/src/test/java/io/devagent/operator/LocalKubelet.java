package io.devagent.operator;

import io.devagent.cli.Main;
import io.devagent.k8s.api.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Plays the kubelet for the operator's pods on the mock API server: it runs each pod's containers
 * as real local processes (the {@code agent} command as {@code java -cp <test class path>
 * io.devagent.cli.Main}, an init container's {@code sh -c} as itself), maps the pod's volumes to
 * directories (a PVC to one directory per claim, so that it outlives pods; a ConfigMap the way the
 * kubelet writes it, with the {@code ..data} symlink swapped on change), and reports the pod's phase
 * and its containers' exits back into the pod's status. Deleting a pod sends its process SIGTERM;
 * {@link #crash} kills it with SIGKILL, as a node or OOM kill would.
 */
final class LocalKubelet implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final Path root;
    private final Map<String, String> extraEnv;
    private final ExecutorService pods = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kubelet");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> deleted = new ConcurrentHashMap<>();
    private final Map<String, Integer> exits = new ConcurrentHashMap<>();
    /** ConfigMap volumes to keep current: ConfigMap name to the directories it is projected into. */
    private final Map<String, List<Path>> projections = new ConcurrentHashMap<>();
    private final SharedIndexInformer<Pod> podInformer;
    private final SharedIndexInformer<ConfigMap> mapInformer;

    LocalKubelet(KubernetesClient client, String namespace, Path root, Map<String, String> extraEnv) {
        this.client = client;
        this.namespace = namespace;
        this.root = root;
        this.extraEnv = extraEnv;
        this.podInformer = client.pods().inNamespace(namespace).withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        pods.submit(() -> run(pod));
                    }

                    @Override
                    public void onUpdate(Pod old, Pod pod) {
                    }

                    @Override
                    public void onDelete(Pod pod, boolean unknownFinalState) {
                        String name = pod.getMetadata().getName();
                        deleted.put(pod.getMetadata().getUid(), true);
                        Process process = processes.get(name);
                        if (process != null) {
                            process.destroy(); // SIGTERM, as the kubelet stops a deleted pod's containers
                        }
                    }
                });
        this.mapInformer = client.configMaps().inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap map) {
            }

            @Override
            public void onUpdate(ConfigMap old, ConfigMap map) {
                for (Path dir : projections.getOrDefault(map.getMetadata().getName(), List.of())) {
                    project(map, dir);
                }
            }

            @Override
            public void onDelete(ConfigMap map, boolean unknownFinalState) {
            }
        });
    }

    /** The host directory of a PVC: one per claim, whatever pod mounts it. */
    Path volume(String claim) {
        return root.resolve("volumes").resolve(claim);
    }

    Path log(String pod) {
        return root.resolve("logs").resolve(pod + ".log");
    }

    /** The exit code of a pod's agent process, once it has ended. */
    Integer exitCode(String pod) {
        return exits.get(pod);
    }

    /** SIGKILLs the pod's agent process: the container dies with exit 137 and the pod fails, as on an OOM or node kill. */
    void crash(String pod) {
        Process process = processes.get(pod);
        if (process == null) {
            throw new IllegalStateException("pod " + pod + " has no running process");
        }
        process.destroyForcibly();
    }

    boolean running(String pod) {
        Process process = processes.get(pod);
        return process != null && process.isAlive();
    }

    private void run(Pod pod) {
        String name = pod.getMetadata().getName();
        try {
            Map<String, Path> mounts = new LinkedHashMap<>();
            Map<String, Path> volumes = new HashMap<>();
            for (Volume volume : pod.getSpec().getVolumes()) {
                volumes.put(volume.getName(), volumeDir(pod, volume));
            }
            List<ContainerStatus> initStatuses = new ArrayList<>();
            for (Container init : Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of())) {
                Map<String, Path> initMounts = mounts(init, volumes);
                int exit = start(pod, init, initMounts).waitFor();
                initStatuses.add(terminated(init.getName(), exit, exit == 0 ? null : tail(log(name))));
                if (exit != 0) {
                    report(name, "Failed", initStatuses, List.of());
                    return;
                }
            }
            Container agent = pod.getSpec().getContainers().get(0);
            mounts.putAll(mounts(agent, volumes));
            exits.remove(name);
            Process process = start(pod, agent, mounts);
            processes.put(name, process);
            report(name, "Running", initStatuses, List.of(new ContainerStatusBuilder().withName(agent.getName())
                    .withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().build()));
            int exit = process.waitFor();
            processes.remove(name);
            exits.put(name, exit);
            if (deleted.containsKey(pod.getMetadata().getUid())) {
                return; // a deleted pod's status is nobody's concern
            }
            report(name, exit == 0 ? "Succeeded" : "Failed", initStatuses,
                    List.of(terminated(agent.getName(), exit, exit == 0 ? null : tail(log(name)))));
        } catch (IOException | RuntimeException e) {
            report(name, "Failed", List.of(), List.of(terminated("agent", 128, "kubelet: " + e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path volumeDir(Pod pod, Volume volume) throws IOException {
        if (volume.getPersistentVolumeClaim() != null) {
            return Files.createDirectories(volume(volume.getPersistentVolumeClaim().getClaimName()));
        }
        Path dir = Files.createDirectories(root.resolve("pods").resolve(pod.getMetadata().getName()).resolve(volume.getName()));
        if (volume.getConfigMap() != null) {
            ConfigMap map = client.configMaps().inNamespace(namespace).withName(volume.getConfigMap().getName()).get();
            if (map == null) {
                throw new IOException("ConfigMap " + volume.getConfigMap().getName() + " does not exist");
            }
            project(map, dir);
            projections.computeIfAbsent(volume.getConfigMap().getName(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(dir);
        }
        return dir;
    }

    /**
     * Writes a ConfigMap into a directory as the kubelet does: the files in a timestamped directory,
     * {@code ..data} a symlink to it (swapped atomically on change), each key a symlink through it.
     */
    private static synchronized void project(ConfigMap map, Path dir) {
        try {
            Path version = Files.createDirectories(dir.resolve(".." + System.nanoTime()));
            for (var entry : Optional.ofNullable(map.getData()).orElse(Map.of()).entrySet()) {
                Files.writeString(version.resolve(entry.getKey()), entry.getValue());
            }
            Path data = dir.resolve("..data");
            Path previous = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
            Path tmp = dir.resolve("..data_tmp");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, version.getFileName());
            Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String key : Optional.ofNullable(map.getData()).orElse(Map.of()).keySet()) {
                Path link = dir.resolve(key);
                if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, Path.of("..data").resolve(key));
                }
            }
            if (previous != null && !previous.equals(version)) {
                try (var files = Files.walk(previous)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot project ConfigMap " + map.getMetadata().getName() + " into " + dir, e);
        }
    }

    private static Map<String, Path> mounts(Container container, Map<String, Path> volumes) throws IOException {
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
            Path host = volumes.get(mount.getName());
            if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
                host = Files.createDirectories(host.resolve(mount.getSubPath()));
            }
            mounts.put(mount.getMountPath(), host);
        }
        return mounts;
    }

    /** A container path as the host sees it, through the container's mounts (the longest mount path wins). */
    private static String hostPath(String value, Map<String, Path> mounts) {
        return mounts.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed())
                .filter(m -> value.equals(m) || value.startsWith(m + "/"))
                .findFirst()
                .map(m -> mounts.get(m).toString() + value.substring(m.length()))
                .orElse(value);
    }

    private Process start(Pod pod, Container container, Map<String, Path> mounts) throws IOException {
        List<String> command = new ArrayList<>();
        List<String> given = new ArrayList<>(Optional.ofNullable(container.getCommand()).orElse(List.of()));
        if (!given.isEmpty() && given.get(0).equals("agent")) {
            // The image's `agent` is the CLI: run it from the test's class path, in its own JVM.
            command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-XX:+UseSerialGC");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Main.class.getName());
            given.remove(0);
        }
        command.addAll(given);
        command.addAll(Optional.ofNullable(container.getArgs()).orElse(List.of()));

        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
            env.put(var.getName(), hostPath(value(pod, var), mounts));
        }
        env.putAll(extraEnv);
        Path workdir = Path.of(env.getOrDefault("AGENT_WORKSPACE", root.toString()));
        builder.directory(Files.isDirectory(workdir) ? workdir.toFile() : root.toFile());
        Path log = log(pod.getMetadata().getName());
        Files.createDirectories(log.getParent());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    private String value(Pod pod, EnvVar var) {
        if (var.getValueFrom() == null) {
            return Optional.ofNullable(var.getValue()).orElse("");
        }
        if (var.getValueFrom().getFieldRef() != null) {
            String path = var.getValueFrom().getFieldRef().getFieldPath();
            return switch (path) {
                case "metadata.namespace" -> pod.getMetadata().getNamespace();
                case "metadata.name" -> pod.getMetadata().getName();
                default -> throw new IllegalArgumentException("the local kubelet does not know field " + path);
            };
        }
        if (var.getValueFrom().getSecretKeyRef() != null) {
            var ref = var.getValueFrom().getSecretKeyRef();
            Secret secret = client.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(ref.getName()).get();
            String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(ref.getKey());
            if (encoded == null) {
                throw new IllegalArgumentException("secret " + ref.getName() + " has no key " + ref.getKey());
            }
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("the local kubelet cannot resolve " + var.getName());
    }

    private static ContainerStatus terminated(String container, int exit, String message) {
        return new ContainerStatusBuilder().withName(container).withNewState().withNewTerminated()
                .withExitCode(exit).withReason(exit == 0 ? "Completed" : exit == 137 ? "OOMKilled" : "Error")
                .withMessage(message).withFinishedAt(Instant.now().toString()).endTerminated().endState().build();
    }

    /** The last lines of a container's output: its termination message under FallbackToLogsOnError. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return null;
        }
    }

    private void report(String pod, String phase, List<ContainerStatus> init, List<ContainerStatus> containers) {
        Pod current = client.pods().inNamespace(namespace).withName(pod).get();
        if (current == null) {
            return;
        }
        current.setStatus(new PodStatusBuilder().withPhase(phase).withInitContainerStatuses(init).withContainerStatuses(containers).build());
        client.pods().inNamespace(namespace).resource(current).updateStatus();
    }

    @Override
    public void close() {
        podInformer.close();
        mapInformer.close();
        processes.values().forEach(Process::destroyForcibly);
        for (Process process : processes.values()) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pods.shutdownNow();
    }
}
