#include "engine/batch_decoder.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <set>

#include "engine/sampler.h"
#include "engine/stop_strings.h"
#include "text/tokenizer.h"
#include "util/error.h"

namespace regenesis {

namespace {

struct RequestState {
  const PreparedRequest* prepared = nullptr;
  SamplingCut cut;
  int next_sample = 0;               // samples started so far
  int finished = 0;
  std::vector<float> first_logits;   // the prefill's last-position logits, until all samples start
  std::vector<int64_t> spare_slots;  // slots of finished samples: they still hold the prompt
  GenerationResult result;

  const SamplingParams& params() const { return prepared->request->params; }
  int64_t prompt_length() const { return static_cast<int64_t>(prepared->prompt.size()); }
  bool unstarted() const { return next_sample < params().n; }
};

struct Sequence {
  RequestState* request;
  int sample;
  int64_t slot;
  int64_t cached;       // positions of the slot that hold this sequence's tokens
  int64_t pending = -1; // sampled, not yet fed to the model
  SampleRng rng;
  std::unique_ptr<IncrementalDecoder> decoder;
  StopStringMatcher stops;
  int generated = 0;
  bool done = false;
};

class BatchDecoder {
 public:
  BatchDecoder(Transformer& model, KVCache& cache, const Tokenizer& tokenizer,
               const DecodeSettings& settings,
               const std::function<void(GenerationResult)>& on_result)
      : model_(model), cache_(cache), tokenizer_(tokenizer), settings_(settings),
        on_result_(on_result) {
    for (int64_t s = 0; s < cache.num_slots(); ++s) free_slots_.insert(s);
    max_positions_ = settings.max_positions > 0
                         ? std::min(settings.max_positions, cache.max_seq_len())
                         : cache.max_seq_len();
  }

  void run(const std::vector<PreparedRequest>& requests) {
    states_.resize(requests.size());
    for (size_t i = 0; i < requests.size(); ++i) {
      RequestState& state = states_[i];
      state.prepared = &requests[i];
      const SamplingParams& p = requests[i].request->params;
      state.cut = {p.temperature, p.top_k, p.top_p};
      state.result.request_id = requests[i].request->id;
      state.result.prompt_tokens = static_cast<int>(requests[i].prompt.size());
      state.result.completions.resize(p.n);
      waiting_.push_back(&state);
    }
    while (!waiting_.empty() || !started_.empty() || !active_.empty()) {
      fill_slots();
      std::erase_if(active_, [](const auto& seq) { return seq->done; });  // ended at once
      if (!active_.empty()) decode_step();
    }
  }

 private:
  // Starts what the free slots allow: first the unstarted samples of prefilled requests (so they
  // finish and report sooner), then prefills of waiting requests. Samples that end at their first
  // token free their slot at once, so loop until nothing more can start.
  void fill_slots() {
    for (;;) {
      for (auto it = started_.begin(); it != started_.end();) {
        RequestState* r = *it;
        while (r->unstarted() && (!r->spare_slots.empty() || !free_slots_.empty())) {
          int64_t slot;
          if (!r->spare_slots.empty()) {
            slot = r->spare_slots.back();
            r->spare_slots.pop_back();
          } else {
            slot = take_free_slot();
            cache_.copy_slot(prompt_holder(*r), slot, r->prompt_length());
          }
          start_sample(*r, slot);
        }
        if (!r->unstarted()) {
          for (int64_t slot : r->spare_slots) free_slots_.insert(slot);
          r->spare_slots.clear();
          std::vector<float>().swap(r->first_logits);
          it = started_.erase(it);
        } else {
          ++it;
        }
      }
      if (waiting_.empty() || free_slots_.empty()) return;
      prefill_waiting();
    }
  }

  int64_t take_free_slot() {
    const int64_t slot = *free_slots_.begin();
    free_slots_.erase(free_slots_.begin());
    return slot;
  }

  // A slot that holds r's prompt: a spare one, or one of its live samples'.
  int64_t prompt_holder(const RequestState& r) const {
    if (!r.spare_slots.empty()) return r.spare_slots.front();
    for (const auto& seq : active_)
      if (seq->request == &r && !seq->done) return seq->slot;
    fail("internal: request '", r.result.request_id, "' has unstarted samples but no prompt slot");
  }

  // One forward over as many waiting prompts as there are free slots and prefill budget.
  void prefill_waiting() {
    std::vector<std::pair<RequestState*, int64_t>> batch;
    int64_t longest = 0;
    while (!waiting_.empty() && !free_slots_.empty()) {
      RequestState* r = waiting_.front();
      const int64_t padded = std::max(longest, r->prompt_length()) * (int64_t(batch.size()) + 1);
      if (!batch.empty() && padded > settings_.prefill_token_budget) break;
      waiting_.pop_front();
      longest = std::max(longest, r->prompt_length());
      batch.emplace_back(r, take_free_slot());
    }
    const int64_t rows = static_cast<int64_t>(batch.size());
    at::Tensor tokens = at::zeros({rows, longest}, at::kLong);
    at::Tensor slots = at::empty({rows}, at::kLong), start = at::zeros({rows}, at::kLong),
               lengths = at::empty({rows}, at::kLong);
    auto tok = tokens.accessor<int64_t, 2>();
    for (int64_t b = 0; b < rows; ++b) {
      const auto& prompt = batch[b].first->prepared->prompt;
      for (size_t t = 0; t < prompt.size(); ++t) tok[b][t] = prompt[t];
      slots[b] = batch[b].second;
      lengths[b] = static_cast<int64_t>(prompt.size());
    }
    at::Tensor logits = model_.forward(tokens, slots, start, lengths, cache_, true).contiguous();
    const int64_t vocab = logits.size(1);
    const float* data = logits.data_ptr<float>();
    for (int64_t b = 0; b < rows; ++b) {
      RequestState* r = batch[b].first;
      r->first_logits.assign(data + b * vocab, data + (b + 1) * vocab);
      started_.push_back(r);
      start_sample(*r, batch[b].second);
    }
  }

  // A sample begins with its prompt in `slot`: its first token comes from the prefill's logits.
  void start_sample(RequestState& r, int64_t slot) {
    const int index = r.next_sample++;
    auto seq = std::make_unique<Sequence>(Sequence{
        &r, index, slot, r.prompt_length(), -1, sample_stream(r.params().seed, index),
        std::make_unique<IncrementalDecoder>(tokenizer_, /*skip_special_tokens=*/true), StopStringMatcher(r.params().stop)});
    const int64_t token = draw(*seq, r.first_logits.data());
    Sequence& s = *seq;
    active_.push_back(std::move(seq));
    accept(s, token);
  }

  int64_t draw(Sequence& seq, const float* logits) {
    const int64_t count = settings_.candidate_tokens;
    return sample_token(logits, static_cast<int>(count), seq.request->cut, seq.rng);
  }

  // Every live sequence feeds its pending token at its own position; each then draws its next.
  void decode_step() {
    const int64_t rows = static_cast<int64_t>(active_.size());
    at::Tensor tokens = at::empty({rows, 1}, at::kLong), slots = at::empty({rows}, at::kLong),
               start = at::empty({rows}, at::kLong), lengths = at::ones({rows}, at::kLong);
    auto tok = tokens.accessor<int64_t, 2>();
    auto slot = slots.accessor<int64_t, 1>();
    auto pos = start.accessor<int64_t, 1>();
    for (int64_t b = 0; b < rows; ++b) {
      tok[b][0] = active_[b]->pending;
      slot[b] = active_[b]->slot;
      pos[b] = active_[b]->cached;
    }
    at::Tensor logits = model_.forward(tokens, slots, start, lengths, cache_, true).contiguous();
    const int64_t vocab = logits.size(1);
    const float* data = logits.data_ptr<float>();
    for (int64_t b = 0; b < rows; ++b) {
      Sequence& seq = *active_[b];
      seq.cached += 1;
      accept(seq, draw(seq, data + b * vocab));
    }
    std::erase_if(active_, [](const auto& seq) { return seq->done; });
  }

  // Takes a sampled token: it ends the completion (EOS, stop string, max_tokens, full slot) or
  // becomes the sequence's pending token.
  void accept(Sequence& seq, int64_t token) {
    const SamplingParams& params = seq.request->params();
    ++seq.generated;
    const bool eos = std::find(settings_.eos_ids.begin(), settings_.eos_ids.end(), token) !=
                     settings_.eos_ids.end();
    if (eos) return finish(seq, FinishReason::Stop);
    if (seq.stops.append(seq.decoder->push(static_cast<int32_t>(token))))
      return finish(seq, FinishReason::Stop);
    if (seq.generated >= params.max_tokens || seq.cached >= max_positions_)
      return finish(seq, FinishReason::Length);
    seq.pending = token;
  }

  void finish(Sequence& seq, FinishReason reason) {
    seq.done = true;
    // Text the decoder held back (an incomplete character) belongs to the completion too.
    if (!seq.stops.stopped() && seq.stops.append(seq.decoder->finish())) reason = FinishReason::Stop;
    RequestState& r = *seq.request;
    Completion& completion = r.result.completions[seq.sample];
    completion.text = seq.stops.text();
    completion.completion_tokens = seq.generated;
    completion.finish = reason;
    if (r.unstarted())
      r.spare_slots.push_back(seq.slot);
    else
      free_slots_.insert(seq.slot);
    if (++r.finished == r.params().n) on_result_(std::move(r.result));
  }

  Transformer& model_;
  KVCache& cache_;
  const Tokenizer& tokenizer_;
  const DecodeSettings& settings_;
  const std::function<void(GenerationResult)>& on_result_;

  std::vector<RequestState> states_;
  std::deque<RequestState*> waiting_;             // not yet prefilled, in request order
  std::vector<RequestState*> started_;            // prefilled, some samples not yet started
  std::vector<std::unique_ptr<Sequence>> active_; // decoding (done ones are dropped per step)
  std::set<int64_t> free_slots_;                  // lowest first: deterministic placement
  int64_t max_positions_ = 0;
};

}  // namespace

void run_batched_decode(Transformer& model, KVCache& cache, const Tokenizer& tokenizer,
                        const DecodeSettings& settings, const std::vector<PreparedRequest>& requests,
                        const std::function<void(GenerationResult)>& on_result) {
  BatchDecoder(model, cache, tokenizer, settings, on_result).run(requests);
}

}  // namespace regenesis
