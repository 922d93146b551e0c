package io.devagent.cli.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Optional;

/**
 * The cluster the CLI talks to in {@code --k8s} mode, found as kubectl finds it: the kubeconfig
 * ({@code KUBECONFIG}, {@code ~/.kube/config}) and its current context or {@code --context}, the
 * in-cluster service account, or {@code KUBERNETES_MASTER}.
 */
public final class Cluster implements AutoCloseable {

    /** A failure to talk to the cluster, worded for one line of output, with the exit code it deserves. */
    public static final class ClusterException extends Exception {
        private final boolean unreachable;

        ClusterException(String message, boolean unreachable) {
            super(message);
            this.unreachable = unreachable;
        }

        /** True when the cluster did not answer at all (exit 3), false when it answered no (exit 1). */
        public boolean unreachable() {
            return unreachable;
        }
    }

    private final KubernetesClient client;
    private final String namespace;

    private Cluster(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /**
     * Connects lazily: nothing is sent until the first request. The kubeconfig is {@code KUBECONFIG}
     * (its first file) or {@code ~/.kube/config} when one exists; else the in-cluster service account
     * or {@code KUBERNETES_MASTER}. A context that is not in the kubeconfig is an error here.
     */
    public static Cluster connect(io.devagent.config.Environment env, String context, String namespace) throws ClusterException {
        Config base;
        java.io.File kubeconfig = env.get("KUBECONFIG")
                .map(v -> new java.io.File(v.split(java.io.File.pathSeparator)[0]))
                .orElseGet(() -> new java.io.File(env.get("HOME", System.getProperty("user.home")), ".kube/config"));
        try {
            if (kubeconfig.isFile()) {
                base = Config.fromKubeconfig(context, kubeconfig);
            } else if (context != null) {
                throw new ClusterException("--context " + context + " needs a kubeconfig, and there is none at " + kubeconfig, false);
            } else if (env.get("KUBERNETES_MASTER").isEmpty() && env.get("KUBERNETES_SERVICE_HOST").isEmpty()) {
                throw new ClusterException("no cluster is configured: no kubeconfig at " + kubeconfig
                        + " (KUBECONFIG), not in a pod, and no KUBERNETES_MASTER", true);
            } else {
                base = Config.autoConfigure(null);
            }
        } catch (RuntimeException e) {
            throw new ClusterException("cannot read the Kubernetes configuration" + (kubeconfig.isFile() ? " in " + kubeconfig : "")
                    + ": " + firstLine(e.getMessage()), false);
        }
        if (context != null && (base.getCurrentContext() == null || !context.equals(base.getCurrentContext().getName()))) {
            throw new ClusterException("there is no context '" + context + "' in " + kubeconfig, false);
        }
        Config config = new ConfigBuilder(base)
                .withConnectionTimeout(5_000)
                .withRequestTimeout(15_000)
                .withRequestRetryBackoffLimit(1)
                .build();
        String ns = namespace != null ? namespace : Optional.ofNullable(config.getNamespace()).orElse("default");
        return new Cluster(new KubernetesClientBuilder().withConfig(config).build(), ns);
    }

    public KubernetesClient client() {
        return client;
    }

    public String namespace() {
        return namespace;
    }

    public String masterUrl() {
        return client.getConfiguration().getMasterUrl();
    }

    /** Words a client failure for the user: unreachable (exit 3), or what the cluster said. */
    public ClusterException explain(KubernetesClientException e) {
        if (isUnreachable(e)) {
            return new ClusterException("cannot reach the Kubernetes cluster at " + masterUrl() + " (" + reason(e)
                    + "); check the kubeconfig's current context (--context) or KUBERNETES_MASTER", true);
        }
        if (e.getCode() == 404 && e.getStatus() != null && e.getStatus().getDetails() != null
                && e.getStatus().getDetails().getName() == null) {
            return new ClusterException("the cluster at " + masterUrl() + " does not serve devagent.io/v1alpha1 resources; "
                    + "install the CRDs (kubectl apply -f crds/) and the operator", false);
        }
        if (e.getCode() == 401 || e.getCode() == 403) {
            return new ClusterException("the cluster refused the request (" + e.getCode() + "): " + firstLine(statusMessage(e)), false);
        }
        return new ClusterException("the cluster answered " + (e.getCode() > 0 ? e.getCode() + ": " : "") + firstLine(statusMessage(e)), false);
    }

    static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof HttpConnectTimeoutException
                    || t instanceof HttpTimeoutException || t instanceof javax.net.ssl.SSLException
                    || t instanceof java.nio.channels.UnresolvedAddressException) {
                return true;
            }
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                return false;
            }
            if (t instanceof IOException && t.getCause() == null && !(t instanceof java.io.FileNotFoundException)) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
                return "unknown host";
            }
            if (t instanceof HttpTimeoutException) {
                return "timed out";
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return "TLS failed: " + firstLine(t.getMessage());
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : firstLine(root.getMessage());
    }

    private static String statusMessage(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        client.close();
    }
}
