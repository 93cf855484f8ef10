// The KV block bookkeeping and the prefix cache (engine/block_manager.h), without a model.
#include "engine/block_manager.h"

#include <gtest/gtest.h>

#include <numeric>

#include "util/error.h"

namespace regenesis {
namespace {

std::vector<int64_t> tokens(int64_t first, int64_t count) {
  std::vector<int64_t> out(count);
  std::iota(out.begin(), out.end(), first);
  return out;
}

// Allocates and indexes (ready) the full blocks of `seq`, as the scheduler does for a prompt.
std::vector<int32_t> prefill(BlockManager& m, const std::vector<int64_t>& seq) {
  std::vector<int32_t> blocks;
  const int64_t bs = m.block_size();
  for (size_t b = 0; b * bs < seq.size(); ++b) {
    const int32_t block = m.allocate();
    if ((b + 1) * bs <= seq.size())
      m.index(block, blocks.empty() ? -1 : blocks.back(),
              std::span<const int64_t>(seq).subspan(b * bs, bs), true);
    blocks.push_back(block);
  }
  return blocks;
}

TEST(BlockManager, MatchesTheLongestIndexedPrefixExactly) {
  BlockManager m(16, 4, 64);
  const auto a = tokens(100, 14);  // 3 full blocks + 2
  const auto blocks = prefill(m, a);
  auto b = a;
  b[9] = 7;  // differs in the third block
  BlockManager::Match hit = m.match(b, 10);
  ASSERT_EQ(hit.blocks.size(), 2u);
  EXPECT_EQ(hit.blocks[0], blocks[0]);
  EXPECT_EQ(hit.blocks[1], blocks[1]);
  EXPECT_EQ(m.refs(blocks[0]), 2);  // the match holds a reference
  EXPECT_FALSE(hit.pending);
  // The same tokens after a different first block never match (the chain is by parent block).
  auto c = tokens(100, 14);
  c[0] = 1;
  EXPECT_TRUE(m.match(c, 10).blocks.empty());
  // max_blocks caps the match.
  EXPECT_EQ(m.match(a, 1).blocks.size(), 1u);
  EXPECT_EQ(m.stats().hit_tokens, 4 * (2 + 1));
}

TEST(BlockManager, PendingBlocksAreNotMatchedButReported) {
  BlockManager m(8, 4, 32);
  const auto seq = tokens(0, 8);
  const int32_t first = m.allocate(), second = m.allocate();
  m.index(first, -1, std::span<const int64_t>(seq).subspan(0, 4), true);
  m.index(second, first, std::span<const int64_t>(seq).subspan(4, 4), false);
  BlockManager::Match hit = m.match(seq, 2);
  EXPECT_EQ(hit.blocks, std::vector<int32_t>{first});
  EXPECT_TRUE(hit.pending);
  m.release_all(hit.blocks);
  m.mark_ready(second);
  hit = m.match(seq, 2);
  EXPECT_EQ(hit.blocks.size(), 2u);
  EXPECT_FALSE(hit.pending);
  // A pending block released before it was computed leaves the index.
  const int32_t third = m.allocate();
  const auto other = tokens(50, 4);
  m.index(third, -1, other, false);
  m.release(third);
  EXPECT_FALSE(m.indexed(third));
  EXPECT_TRUE(m.match(other, 1).blocks.empty());
}

TEST(BlockManager, NeverKeepsMoreThanTheLimitAndEvictsLeastRecentlyUsed) {
  const int64_t bs = 4, limit_tokens = 3 * bs;
  BlockManager m(32, bs, limit_tokens);
  std::vector<std::vector<int64_t>> prompts;
  for (int p = 0; p < 5; ++p) prompts.push_back(tokens(1000 * (p + 1), 2 * bs));  // 2 blocks each
  for (const auto& prompt : prompts) {
    const auto blocks = prefill(m, prompt);
    m.release_all(blocks);
    EXPECT_LE(m.stats().cached_tokens, limit_tokens);
  }
  // Three blocks fit: the last prompt whole and the first block of the one before it (its leaf
  // went first: a sequence's blocks are released last block first).
  EXPECT_EQ(m.match(prompts[4], 2).blocks.size(), 2u);
  EXPECT_EQ(m.match(prompts[3], 2).blocks.size(), 1u);
  EXPECT_TRUE(m.match(prompts[0], 2).blocks.empty());
  EXPECT_GT(m.stats().evicted_blocks, 0);
}

TEST(BlockManager, AllocationEvictsLeastRecentlyUsedLeavesFirst) {
  const int64_t bs = 2;
  BlockManager m(6, bs, 6 * bs);
  const auto a = tokens(10, 3 * bs), b = tokens(90, 2 * bs);
  m.release_all(prefill(m, a));   // LRU: a2 a1 a0 (a sequence's last block is the oldest)
  m.release_all(prefill(m, b));   // LRU: a2 a1 a0 b1 b0
  m.release_all(m.match(a, 1).blocks);  // a0 used again: a2 a1 b1 b0 a0
  EXPECT_EQ(m.available(), 6);
  EXPECT_EQ(m.stats().cached_tokens, 5 * bs);
  for (int i = 0; i < 4; ++i) m.allocate();  // the free block, then a2, a1, b1 are evicted
  EXPECT_EQ(m.stats().evicted_blocks, 3);
  auto hit_a = m.match(a, 3), hit_b = m.match(b, 2);
  EXPECT_EQ(hit_a.blocks.size(), 1u);
  EXPECT_EQ(hit_b.blocks.size(), 1u);
  m.release_all(hit_a.blocks);
  m.release_all(hit_b.blocks);
  EXPECT_EQ(m.available(), 2);
}

TEST(BlockManager, AllocationFailsOnlyWhenEveryBlockIsReferenced) {
  BlockManager m(2, 4, 0);  // prefix caching off
  EXPECT_FALSE(m.caching());
  const int32_t a = m.allocate(), b = m.allocate();
  EXPECT_EQ(m.available(), 0);
  EXPECT_THROW(m.allocate(), Error);
  m.index(a, -1, tokens(0, 4), true);  // ignored: caching is off
  EXPECT_FALSE(m.indexed(a));
  m.release(a);
  m.release(b);
  EXPECT_EQ(m.available(), 2);
  EXPECT_THROW(m.release(a), Error);
}

}  // namespace
}  // namespace regenesis
