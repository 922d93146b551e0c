package io.devagent.bench;

/** One piece of a step's work, timed on its own: what it is, and its timings per operation. */
record Component(String name, String detail, Summary summary) {
}
