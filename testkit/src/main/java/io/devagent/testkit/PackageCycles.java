package io.devagent.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package cycles among a module's compiled classes: a build-time check, so that a cycle fails
 * the module's tests the day it is written (as {@code jdeps -verbose:package} would show it, but
 * without a script to remember to run). Every class named in a class file's constant pool counts:
 * class references, and the types in field and method descriptors, signatures and annotations.
 */
public final class PackageCycles {

    /** A type named inside a descriptor or signature: {@code Lio/devagent/x/Y;} or {@code Lio/devagent/x/Y<}. */
    private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile("L([\\w/$]+)[;<]");

    private PackageCycles() {
    }

    /** The directory of compiled classes {@code type} was loaded from (a module's {@code target/classes}). */
    public static Path classesOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Package to the packages of the same directory it uses (itself left out). */
    public static Map<String, Set<String>> graph(Path classes) {
        Map<String, Set<String>> uses = new TreeMap<>();
        List<ClassModel> models = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                ClassModel model = ClassFile.of().parse(Files.readAllBytes(file));
                if (!model.thisClass().asInternalName().endsWith("module-info")) {
                    models.add(model);
                    uses.putIfAbsent(packageOf(model.thisClass().asInternalName()), new TreeSet<>());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (ClassModel model : models) {
            String from = packageOf(model.thisClass().asInternalName());
            for (PoolEntry entry : model.constantPool()) {
                List<String> named = new ArrayList<>();
                if (entry instanceof ClassEntry c) {
                    String name = c.asInternalName();
                    named.add(name.startsWith("[") ? name.replaceFirst("^\\[+L?", "").replace(";", "") : name);
                } else if (entry instanceof Utf8Entry u) {
                    Matcher m = TYPE_IN_DESCRIPTOR.matcher(u.stringValue());
                    while (m.find()) {
                        named.add(m.group(1));
                    }
                }
                for (String name : named) {
                    String to = packageOf(name);
                    if (!to.equals(from) && uses.containsKey(to)) {
                        uses.get(from).add(to);
                    }
                }
            }
        }
        return uses;
    }

    /** The cycles: each a set of two or more packages that reach each other (Tarjan's strongly connected components). */
    public static List<Set<String>> find(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<Set<String>> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            if (!index.containsKey(start)) {
                strongConnect(start, graph, index, low, stack, onStack, cycles);
            }
        }
        return cycles;
    }

    private static void strongConnect(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
                                      Deque<String> stack, Set<String> onStack, List<Set<String>> cycles) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                strongConnect(w, graph, index, low, stack, onStack, cycles);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                cycles.add(component);
            }
        }
    }

    /** A readable account of the cycles: each one's packages and the edges between them; empty when there are none. */
    public static String describe(Path classes) {
        Map<String, Set<String>> graph = graph(classes);
        StringBuilder out = new StringBuilder();
        for (Set<String> cycle : find(graph)) {
            out.append("package cycle ").append(cycle).append('\n');
            for (String from : cycle) {
                for (String to : graph.get(from)) {
                    if (cycle.contains(to)) {
                        out.append("  ").append(from).append(" -> ").append(to).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }
}
