package io.devagent.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.tool.Args;

/**
 * {@code update_plan(plan)}: the model's plan, kept in the run's checkpoint. Planning lives inside
 * the loop as a tool, so each step stays exactly one model request.
 */
final class PlanTool {

    static final String NAME = "update_plan";

    private PlanTool() {
    }

    static ObjectNode schema() {
        ObjectNode tool = io.devagent.json.Json.object().put("type", "function");
        tool.putObject("function").put("name", NAME)
                .put("description", "Record or revise your plan for the task: a short numbered list of steps, marking the done ones.")
                .set("parameters", Args.schema(new String[][] {{"plan", "The whole current plan as text"}}, "plan"));
        return tool;
    }
}
