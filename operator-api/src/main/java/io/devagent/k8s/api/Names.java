package io.devagent.k8s.api;

/** Patterns shared by the schema and the reconciler's checks. */
public final class Names {
    /** A DNS-1123 subdomain, as Kubernetes names are. */
    public static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /** A resource quantity such as 1Gi, 500Mi or 2G. */
    public static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$";

    private Names() {
    }
}
