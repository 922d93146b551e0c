// The peer of dev-agent's scripted benchmark run, in LangGraph.js: an agent graph (model node ->
// tools node with read_file -> back to the model, until an answer without tool calls) checkpointed
// by SqliteSaver into a file database, against an OpenAI-compatible base URL (the scripted loopback
// server). The model is @langchain/openai's ChatOpenAI, as LangGraph users wire it, not streamed.
//
//   node peer.mjs --base-url URL --steps N --db FILE --workspace DIR [--synchronous normal|full]
//       one run; prints one JSON line with its figures
//   node peer.mjs --serve
//       reads one JSON request per line on stdin ({baseUrl, steps, db, workspace, synchronous?}) and
//       answers each with a JSON line, so that a benchmark can warm this process up and time runs
//       without node's start; a request that fails is answered {"error": "..."}
//
// Times are taken inside the script (process.hrtime), around: opening the database, compiling the
// graph with the saver, and invoking it to its end.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import { StateGraph, MessagesAnnotation, START } from "@langchain/langgraph";
import { ToolNode, toolsCondition } from "@langchain/langgraph/prebuilt";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { ChatOpenAI } from "@langchain/openai";
import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { z } from "zod";

const MODEL = "scripted-model"; // the name dev-agent's run asks for (ScriptedRun.MODEL)
const FILE = "small.txt";

/** read_file confined to the workspace, as dev-agent's tool is; returns the file's text. */
function readFileTool(workspace) {
  const root = path.resolve(workspace);
  return tool(
    async ({ path: relative }) => {
      const target = path.resolve(root, relative);
      if (target !== root && !target.startsWith(root + path.sep)) {
        throw new Error(`${relative} is outside the workspace`);
      }
      return await readFile(target, "utf8");
    },
    {
      name: "read_file",
      description: "Read a UTF-8 text file in the workspace.",
      schema: z.object({ path: z.string().describe("Path relative to the workspace root") }),
    },
  );
}

function buildGraph(baseUrl, workspace, checkpointer) {
  const tools = [readFileTool(workspace)];
  const model = new ChatOpenAI({
    model: MODEL,
    apiKey: "not-needed", // the loopback server checks none, and nothing else is reached
    configuration: { baseURL: baseUrl },
    streaming: false,
    maxRetries: 0,
  }).bindTools(tools);
  const callModel = async (state) => ({ messages: [await model.invoke(state.messages)] });
  return new StateGraph(MessagesAnnotation)
    .addNode("agent", callModel)
    .addNode("tools", new ToolNode(tools))
    .addEdge(START, "agent")
    .addConditionalEdges("agent", toolsCondition)
    .addEdge("tools", "agent")
    .compile({ checkpointer });
}

async function size(file) {
  try {
    return (await stat(file)).size;
  } catch {
    return 0; // no WAL (yet): nothing to count
  }
}

/** Bytes the saver stored for each checkpoint: its row's blobs and the writes attached to it, by LangGraph step. */
function checkpointRows(db, threadId) {
  const writes = new Map(
    db.prepare("SELECT checkpoint_id id, SUM(LENGTH(value)) bytes, COUNT(*) n FROM writes WHERE thread_id = ? GROUP BY checkpoint_id")
      .all(threadId).map((r) => [r.id, r]));
  return db.prepare(
    "SELECT checkpoint_id id, LENGTH(checkpoint) cp, LENGTH(metadata) md, json_extract(CAST(metadata AS TEXT), '$.step') step "
      + "FROM checkpoints WHERE thread_id = ? ORDER BY checkpoint_id").all(threadId)
    .map((r) => ({ step: r.step, checkpointBytes: r.cp, metadataBytes: r.md, writeBytes: writes.get(r.id)?.bytes ?? 0 }));
}

/** One run of `steps` read_file steps and the final answer; the figures as a plain object. */
export async function run({ baseUrl, steps, db, workspace, synchronous = "normal" }) {
  const threadId = "bench";
  const goal = `Read ${FILE} ${steps} times, one read_file call per step, then say you are done.`;
  const started = process.hrtime.bigint();
  const saver = SqliteSaver.fromConnString(db);
  saver.setup(); // WAL mode and the tables, as the first put would do
  if (synchronous !== "normal") {
    saver.db.pragma(`synchronous=${synchronous}`);
  }
  const graph = buildGraph(baseUrl, workspace, saver);
  const ready = process.hrtime.bigint();
  const result = await graph.invoke(
    { messages: [new HumanMessage(goal)] },
    // Two supersteps (agent, tools) a tool step, and the answer's: the default limit (25) stops a long run.
    { configurable: { thread_id: threadId }, recursionLimit: 2 * steps + 10 },
  );
  const ended = process.hrtime.bigint();

  const messages = result.messages;
  const modelCalls = messages.filter((m) => m.getType() === "ai").length;
  const toolCalls = messages.filter((m) => m.getType() === "tool").length;
  const last = messages[messages.length - 1];
  const dbBytes = await size(db);
  const walBytes = await size(db + "-wal");
  const rows = checkpointRows(saver.db, threadId);
  const pragmas = {
    journalMode: saver.db.pragma("journal_mode", { simple: true }),
    synchronous: saver.db.pragma("synchronous", { simple: true }), // 1 NORMAL (no fsync per commit in WAL mode), 2 FULL
    pageSize: saver.db.pragma("page_size", { simple: true }),
  };
  saver.db.close();
  return {
    steps: modelCalls, // one model request per step, as in dev-agent's run (N tool steps + the answer)
    toolCalls,
    answer: typeof last.content === "string" ? last.content : JSON.stringify(last.content),
    wallNanos: Number(ended - started),
    setupNanos: Number(ready - started),
    invokeNanos: Number(ended - ready),
    dbBytes,
    walBytes,
    checkpoints: rows.length,
    storedBytes: rows.reduce((s, r) => s + r.checkpointBytes + r.metadataBytes + r.writeBytes, 0),
    rows,
    pragmas,
    versions: versions(),
  };
}

let cachedVersions;
function versions() {
  cachedVersions ??= Promise.all(["@langchain/langgraph", "@langchain/langgraph-checkpoint-sqlite", "@langchain/core",
    "@langchain/openai", "better-sqlite3"].map(async (name) => {
    const file = new URL(`./node_modules/${name}/package.json`, import.meta.url);
    return [name, JSON.parse(await readFile(file, "utf8")).version];
  })).then(Object.fromEntries);
  return cachedVersions;
}

async function answer(request) {
  const figures = await run(request);
  figures.versions = { ...(await figures.versions), node: process.version };
  return figures;
}

function option(args, name) {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) {
    return undefined;
  }
  return args[i + 1];
}

async function main(args) {
  if (args.includes("--serve")) {
    // One request at a time, in order: the benchmark waits for each answer before it sends the next.
    const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) {
        continue;
      }
      let reply;
      try {
        reply = await answer(JSON.parse(line));
      } catch (e) {
        reply = { error: String(e?.stack ?? e) };
      }
      process.stdout.write(JSON.stringify(reply) + "\n");
    }
    return;
  }
  const request = {
    baseUrl: option(args, "--base-url"),
    steps: Number(option(args, "--steps")),
    db: option(args, "--db"),
    workspace: option(args, "--workspace"),
    synchronous: option(args, "--synchronous") ?? "normal",
  };
  if (!request.baseUrl || !Number.isInteger(request.steps) || request.steps < 0 || !request.db || !request.workspace) {
    process.stderr.write("usage: node peer.mjs --base-url URL --steps N --db FILE --workspace DIR [--synchronous normal|full]\n"
      + "       node peer.mjs --serve\n");
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(await answer(request)) + "\n");
}

await main(process.argv.slice(2));
