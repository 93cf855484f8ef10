#include "engine/batch_decoder.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <list>

#include "engine/sampler.h"
#include "engine/stop_strings.h"
#include "text/tokenizer.h"
#include "util/error.h"
#include "util/log.h"

namespace regenesis {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

struct RequestState {
  Submission sub;
  SamplingCut cut;
  int64_t length = 0;           // prompt tokens
  std::vector<int32_t> blocks;  // the prompt's blocks, the partly filled last one included
  int64_t computed = 0;         // prompt positions whose K/V are in `blocks`
  bool holds_slot = false;      // a sequence slot and `reserved` blocks wait for its first sample
  int64_t reserved = 0;
  int next_sample = 0, finished = 0;
  bool reported = false;            // its result went out; dropped at the end of the step
  std::vector<float> first_logits;  // the prompt's last logits, until every sample has started
  GenerationResult result;

  const SamplingParams& params() const { return sub.request.params; }
  bool unstarted() const { return next_sample < params().n; }
};

struct Sequence {
  RequestState* request;
  int sample;
  std::vector<int32_t> blocks;
  std::vector<int64_t> tokens;  // the prompt, then every token fed since (for the prefix index)
  int64_t cached;               // positions whose K/V are in `blocks`
  int64_t reserved;             // blocks it may still allocate
  SampleRng rng;
  IncrementalDecoder decoder;
  StopStringMatcher stops;
  size_t streamed = 0;          // bytes of stops.text() already given to on_text
  int64_t pending = -1;         // sampled, not yet fed
  int generated = 0;
  bool done = false;
};

enum class Admission { Admitted, Deferred, Blocked };

}  // namespace

struct BatchDecoder::Impl {
  Transformer& model;
  KVCache& cache;
  const Tokenizer& tokenizer;
  const DecodeSettings& settings;
  DecodeStats& stats;
  BlockManager blocks;
  const int64_t bs;
  int64_t reserved_total = 0;  // blocks promised to sequences, not yet allocated
  int64_t held_slots = 0;      // admitted requests whose first sample has not started

  std::list<RequestState> requests;  // everything in flight (stable addresses)
  std::deque<RequestState*> waiting;
  std::vector<RequestState*> prefilling;
  std::vector<RequestState*> started;  // prefilled, samples left to start
  std::vector<std::unique_ptr<Sequence>> active;

  Impl(Transformer& m, KVCache& c, const Tokenizer& t, const DecodeSettings& s, DecodeStats& st)
      : model(m), cache(c), tokenizer(t), settings(s), stats(st),
        blocks(c.num_blocks(), c.block_size(), s.prefix_cache_tokens), bs(c.block_size()) {}

  int64_t free_for_reservation() const { return blocks.available() - reserved_total; }
  bool slot_free() const {
    return static_cast<int64_t>(active.size()) + held_slots < settings.max_sequences;
  }

  // Blocks a sample fills beyond the prompt's full blocks: the copy of a partial last block and
  // its generated positions (the last sampled token is never fed).
  int64_t own_blocks(const RequestState& r) const {
    const int64_t positions = std::min<int64_t>(r.length + r.params().max_tokens - 1, settings.max_positions);
    return ceil_div(std::max(positions, r.length), bs) - r.length / bs;
  }

  Admission admit(RequestState& r) {
    if (!slot_free()) return Admission::Blocked;
    BlockManager::Match match = blocks.match(r.sub.prompt, (r.length - 1) / bs);
    const int64_t fresh = ceil_div(r.length, bs) - static_cast<int64_t>(match.blocks.size());
    const int64_t reserve = own_blocks(r);
    if (match.pending || free_for_reservation() < fresh + reserve) {
      blocks.release_all(match.blocks);
      return match.pending ? Admission::Deferred : Admission::Blocked;
    }
    r.blocks = std::move(match.blocks);
    r.computed = static_cast<int64_t>(r.blocks.size()) * bs;
    stats.prefix_hit_tokens += r.computed;
    for (int64_t i = 0; i < fresh; ++i) {
      const int32_t block = blocks.allocate();
      const int64_t index = static_cast<int64_t>(r.blocks.size());
      // Full prompt blocks go into the index at once, as pending: a request with the same prefix
      // waits for them instead of computing them a second time.
      if ((index + 1) * bs <= r.length)
        blocks.index(block, index > 0 ? r.blocks.back() : -1,
                     std::span<const int64_t>(r.sub.prompt).subspan(index * bs, bs), false);
      r.blocks.push_back(block);
    }
    r.reserved = reserve;
    reserved_total += reserve;
    r.holds_slot = true;
    ++held_slots;
    return Admission::Admitted;
  }

  void schedule_chunk(RequestState& r, int64_t count, CachedBatch& batch) {
    for (int64_t b = r.computed / bs; (b + 1) * bs <= r.computed + count; ++b)
      blocks.mark_ready(r.blocks[b]);  // computed by this forward: later rows of it may read them
    const bool last = r.computed + count == r.length;
    batch.tokens.insert(batch.tokens.end(), r.sub.prompt.begin() + r.computed,
                        r.sub.prompt.begin() + r.computed + count);
    batch.rows.push_back({r.computed, count, r.blocks,
                          last ? CachedRow::Logits::Last : CachedRow::Logits::None});
    stats.prefill_tokens += count;
  }

  void schedule_decode(Sequence& seq, CachedBatch& batch) {
    const int64_t p = seq.cached;
    if (p / bs == static_cast<int64_t>(seq.blocks.size())) {
      seq.blocks.push_back(blocks.allocate());
      --seq.reserved;
      --reserved_total;
    }
    seq.tokens.push_back(seq.pending);
    if ((p + 1) % bs == 0) {
      const size_t n = seq.blocks.size();
      blocks.index(seq.blocks[n - 1], n > 1 ? seq.blocks[n - 2] : -1,
                   std::span<const int64_t>(seq.tokens).subspan(p + 1 - bs, bs), true);
    }
    batch.tokens.push_back(seq.pending);
    batch.rows.push_back({p, 1, seq.blocks, CachedRow::Logits::Last});
  }

  // Starts r's next sample if a slot and its blocks are free (the first one always: admission
  // held them). Its prompt's full blocks are shared; a partial last block is copied, except for
  // the last sample to start, which takes the request's own.
  bool start_sample(RequestState& r) {
    const bool first = r.next_sample == 0;
    const int64_t reserve = first ? r.reserved : own_blocks(r);
    if (!first && (!slot_free() || free_for_reservation() < reserve)) return false;
    if (first) {
      r.holds_slot = false;
      --held_slots;
    } else {
      reserved_total += reserve;
    }
    const int index = r.next_sample++;
    const SamplingParams& params = r.params();
    auto seq = std::make_unique<Sequence>(Sequence{
        &r, index, {}, r.sub.prompt, r.length, reserve, sample_stream(params.seed, index),
        IncrementalDecoder(tokenizer, /*skip_special_tokens=*/true), StopStringMatcher(params.stop)});
    const int64_t full = r.length / bs;
    for (int64_t b = 0; b < full; ++b) {
      blocks.retain(r.blocks[b]);
      seq->blocks.push_back(r.blocks[b]);
    }
    if (r.length % bs != 0) {
      const int32_t partial = r.blocks.back();
      if (!r.unstarted()) {
        seq->blocks.push_back(partial);  // the request's reference passes to this sample
        r.blocks.pop_back();
      } else {
        const int32_t copy = blocks.allocate();
        cache.copy_block(partial, copy, r.length % bs);
        seq->blocks.push_back(copy);
      }
      --seq->reserved;
      --reserved_total;
    }
    if (!r.unstarted()) {  // every sample has its own references now
      blocks.release_all(r.blocks);
      r.blocks.clear();
    }
    Sequence& s = *seq;
    active.push_back(std::move(seq));
    const int64_t token = sample_token(r.first_logits.data(), static_cast<int>(settings.candidate_tokens), r.cut, s.rng);
    accept(s, token);
    if (!r.unstarted()) std::vector<float>().swap(r.first_logits);
    return true;
  }

  void start_waiting_samples() {
    for (auto it = started.begin(); it != started.end();) {
      RequestState& r = **it;
      while (r.unstarted() && start_sample(r)) {
      }
      it = r.unstarted() ? it + 1 : started.erase(it);
      if (!slot_free()) return;
    }
  }

  // A sampled token ends the completion (EOS, stop string, max_tokens, full context) or becomes
  // the sequence's pending token.
  void accept(Sequence& seq, int64_t token) {
    ++seq.generated;
    ++stats.generated_tokens;
    const auto& eos = settings.eos_ids;
    if (!seq.request->params().ignore_eos && std::find(eos.begin(), eos.end(), token) != eos.end())
      return finish(seq, FinishReason::Stop);
    if (seq.stops.append(seq.decoder.push(static_cast<int32_t>(token))))
      return finish(seq, FinishReason::Stop);
    if (seq.generated >= seq.request->params().max_tokens || seq.cached >= settings.max_positions)
      return finish(seq, FinishReason::Length);
    seq.pending = token;
    stream_text(seq, seq.stops.settled_size());
  }

  // Gives on_text the text of `seq` up to byte `end` that it has not had yet.
  void stream_text(Sequence& seq, size_t end) {
    const auto& on_text = seq.request->sub.on_text;
    if (!on_text || end <= seq.streamed) return;
    const std::string piece = seq.stops.text().substr(seq.streamed, end - seq.streamed);
    seq.streamed = end;
    try {
      on_text(seq.sample, piece);
    } catch (const std::exception& e) {
      log_warn(std::string("engine: a text callback threw: ") + e.what());
    }
  }

  void finish(Sequence& seq, FinishReason reason) {
    seq.done = true;
    // Text the decoder held back (an incomplete character) belongs to the completion too.
    if (!seq.stops.stopped() && seq.stops.append(seq.decoder.finish())) reason = FinishReason::Stop;
    stream_text(seq, seq.stops.text().size());
    release(seq);
    RequestState& r = *seq.request;
    Completion& completion = r.result.completions[seq.sample];
    completion.text = seq.stops.text();
    completion.completion_tokens = seq.generated;
    completion.finish = reason;
    ++stats.completions;
    if (++r.finished < r.params().n) return;
    r.reported = true;
    try {
      r.sub.on_result(std::move(r.result));
    } catch (const std::exception& e) {
      log_warn(std::string("engine: a result callback threw: ") + e.what());
    }
  }

  void release(Sequence& seq) {
    blocks.release_all(seq.blocks);
    seq.blocks.clear();
    reserved_total -= seq.reserved;
    seq.reserved = 0;
  }

  // Requests whose result went out: nothing refers to them once the step is over.
  void sweep() {
    requests.remove_if([](const RequestState& r) { return r.reported; });
  }

  void step();
  bool cancel(uint64_t ticket);
};

void BatchDecoder::Impl::step() {
  c10::InferenceMode inference;
  start_waiting_samples();  // samples that finished at their first token report here
  std::erase_if(active, [](const auto& seq) { return seq->done; });
  sweep();
  CachedBatch batch;
  std::vector<Sequence*> decoding;
  for (auto& seq : active) {
    schedule_decode(*seq, batch);
    decoding.push_back(seq.get());
  }
  std::vector<std::pair<RequestState*, int64_t>> chunks;
  int64_t budget = settings.prefill_chunk_tokens;
  for (RequestState* r : prefilling) {
    if (budget <= 0) break;
    const int64_t count = std::min(budget, r->length - r->computed);
    schedule_chunk(*r, count, batch);
    chunks.emplace_back(r, count);
    budget -= count;
  }
  for (auto it = waiting.begin(); it != waiting.end() && budget > 0;) {
    RequestState& r = **it;
    const Admission outcome = admit(r);
    if (outcome == Admission::Blocked) break;
    if (outcome == Admission::Deferred) {
      ++it;
      continue;
    }
    it = waiting.erase(it);
    prefilling.push_back(&r);
    const int64_t count = std::min(budget, r.length - r.computed);
    schedule_chunk(r, count, batch);
    chunks.emplace_back(&r, count);
    budget -= count;
  }
  if (batch.rows.empty()) return;
  stats.peak_blocks_in_use =
      std::max(stats.peak_blocks_in_use, blocks.num_blocks() - blocks.available());

  const auto step_start = Clock::now();
  auto start = step_start;
  const at::Tensor logits = model.forward_cached(batch, cache);
  stats.forward_seconds += seconds_since(start);
  ++stats.steps;
  const int64_t vocab = logits.size(1);
  const float* data = logits.data_ptr<float>();

  // Each row draws from its own stream, so the rows can be sampled in any order, in parallel.
  start = Clock::now();
  std::vector<int64_t> next(decoding.size());
  const int candidates = static_cast<int>(settings.candidate_tokens);
  at::parallel_for(0, static_cast<int64_t>(decoding.size()), 4, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      next[i] = sample_token(data + i * vocab, candidates, decoding[i]->request->cut, decoding[i]->rng);
  });
  for (size_t i = 0; i < decoding.size(); ++i) {
    decoding[i]->cached += 1;
    accept(*decoding[i], next[i]);
  }
  int64_t row = static_cast<int64_t>(decoding.size());
  for (auto [r, count] : chunks) {
    r->computed += count;
    if (r->computed < r->length) continue;
    r->first_logits.assign(data + row * vocab, data + row * vocab + candidates);
    ++row;
    prefilling.erase(std::find(prefilling.begin(), prefilling.end(), r));
    started.push_back(r);
  }
  start_waiting_samples();
  stats.sample_seconds += seconds_since(start);
  if (chunks.empty()) {
    stats.decode_only_seconds += seconds_since(step_start);
    stats.decode_only_tokens += static_cast<int64_t>(decoding.size());
    ++stats.decode_only_steps;
  }
  std::erase_if(active, [](const auto& seq) { return seq->done; });
  sweep();
}

bool BatchDecoder::Impl::cancel(uint64_t ticket) {
  auto it = std::find_if(requests.begin(), requests.end(),
                         [&](const RequestState& r) { return r.sub.ticket == ticket && !r.reported; });
  if (it == requests.end()) return false;
  RequestState& r = *it;
  std::erase(waiting, &r);
  std::erase(prefilling, &r);
  std::erase(started, &r);
  for (auto& seq : active)
    if (seq->request == &r && !seq->done) {
      seq->done = true;
      release(*seq);
    }
  std::erase_if(active, [](const auto& seq) { return seq->done; });
  blocks.release_all(r.blocks);
  if (r.holds_slot) {
    --held_slots;
    reserved_total -= r.reserved;
  }
  requests.erase(it);
  return true;
}

BatchDecoder::BatchDecoder(Transformer& model, KVCache& cache, const Tokenizer& tokenizer,
                           DecodeSettings settings)
    : settings_(std::move(settings)) {
  impl_ = std::make_unique<Impl>(model, cache, tokenizer, settings_, stats_);
}

BatchDecoder::~BatchDecoder() = default;

int64_t BatchDecoder::blocks_for_one_sample(int64_t prompt_length, int max_tokens) const {
  const int64_t bs = impl_->bs;
  const int64_t positions = std::min<int64_t>(prompt_length + max_tokens - 1, settings_.max_positions);
  return ceil_div(std::max(positions, prompt_length), bs) + (prompt_length % bs != 0 ? 1 : 0);
}

void BatchDecoder::add(Submission submission) {
  Impl& m = *impl_;
  RequestState& r = m.requests.emplace_back();
  const SamplingParams& p = submission.request.params;
  r.cut = {p.temperature, p.top_k, p.top_p};
  r.length = static_cast<int64_t>(submission.prompt.size());
  r.result.request_id = submission.request.id;
  r.result.prompt_tokens = static_cast<int>(r.length);
  r.result.completions.resize(p.n);
  stats_.requests += 1;
  stats_.prompt_tokens += r.length * p.n;
  r.sub = std::move(submission);
  m.waiting.push_back(&r);
}

bool BatchDecoder::cancel(uint64_t ticket) { return impl_->cancel(ticket); }
bool BatchDecoder::idle() const { return impl_->requests.empty(); }
void BatchDecoder::step() { impl_->step(); }

std::vector<uint64_t> BatchDecoder::abandon_all() {
  Impl& m = *impl_;
  std::vector<uint64_t> tickets;
  for (const auto& r : m.requests) tickets.push_back(r.sub.ticket);
  m.active.clear();
  m.waiting.clear();
  m.prefilling.clear();
  m.started.clear();
  m.requests.clear();
  m.blocks = BlockManager(m.cache.num_blocks(), m.cache.block_size(), settings_.prefix_cache_tokens);
  m.reserved_total = 0;
  m.held_slots = 0;
  return tickets;
}

const DecodeStats& BatchDecoder::stats() {
  stats_.prefix_cache = impl_->blocks.stats();
  return stats_;
}

}  // namespace regenesis
