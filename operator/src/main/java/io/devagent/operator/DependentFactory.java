package io.devagent.operator;

import io.devagent.operator.config.ApiServerAddresses;
import io.devagent.operator.config.OperatorConfig;
import io.devagent.operator.dependent.EgressPolicyDependent;
import io.devagent.operator.dependent.RuntimePodDependent;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.dependent.DependentResourceSpec;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResourceFactory;

/**
 * Makes the workflow's dependents: JOSDK's default (a no-argument constructor) for most, and the
 * two that need the operator's settings with them (the pod's image and user, the API server's
 * addresses for the egress policy). JOSDK configures each one from its annotations afterwards.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class DependentFactory implements DependentResourceFactory<ControllerConfiguration<?>, DependentResourceSpec> {

    private final OperatorConfig config;
    private final ApiServerAddresses apiServer;

    DependentFactory(OperatorConfig config) {
        this.config = config;
        this.apiServer = new ApiServerAddresses(config.apiServerCidrs());
    }

    @Override
    public DependentResource createFrom(DependentResourceSpec spec, ControllerConfiguration<?> controller) {
        Class<?> type = spec.getDependentResourceClass();
        DependentResource made;
        if (type == RuntimePodDependent.class) {
            made = new RuntimePodDependent(config);
        } else if (type == EgressPolicyDependent.class) {
            made = new EgressPolicyDependent(apiServer);
        } else {
            return DependentResourceFactory.DEFAULT.createFrom(spec, controller);
        }
        configure(made, spec, controller);
        return made;
    }

    /** Asked before any is made (to configure its informer): the two made here need no instance to tell. */
    @Override
    public Class<?> associatedResourceType(DependentResourceSpec spec) {
        Class<?> type = spec.getDependentResourceClass();
        if (type == RuntimePodDependent.class) {
            return Pod.class;
        }
        if (type == EgressPolicyDependent.class) {
            return NetworkPolicy.class;
        }
        return DependentResourceFactory.DEFAULT.associatedResourceType(spec);
    }
}
