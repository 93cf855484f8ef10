#pragma once
// Test hooks for the crash-safety tests: the process SIGKILLs itself at a chosen output commit.
//   REGENESIS_TEST_KILL_AFTER_COMMITS=N  dies right after the N-th output commit (counted per
//                                        process), so the N-th output is on disk;
//   REGENESIS_TEST_KILL_IN_COMMIT=N      dies inside the N-th output transaction, after its
//                                        INSERTs and before COMMIT, so it must be rolled back.
// Unset (the normal case) they cost one getenv at startup.
namespace regenesis::kill_switch {

enum class Point { InsideCommit, AfterCommit };
// Called with the 1-based number of the output commit being made.
void maybe_kill(Point point, long commit_number);

}  // namespace regenesis::kill_switch
