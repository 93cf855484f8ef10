// Regenerates tokenizer_hf_rust_vectors.json: the ids that Hugging Face `tokenizers` (the Rust
// library, through its official Node binding, npm `tokenizers`) gives for the strings in
// tokenizer_extra_strings.json, for each tokenizer under ../shared, and decode(ids) where that
// differs from the input. Run outside the repo:
//   npm install tokenizers@0.23.2 && node tokenizer_hf_rust_vectors.js /path/to/shared
const { Tokenizer } = require('tokenizers');
const fs = require('fs');
const path = require('path');

const shared = process.argv[2];
const families = {
  'llama3': 'tokenizers/llama3', 'llama3.1': 'tokenizers/llama3.1', 'qwen3': 'tokenizers/qwen3',
  'gemma3': 'tokenizers/gemma3', 'mistral-v0.1': 'tokenizers/mistral-v0.1',
  'smollm2': 'tokenizers/smollm2', 'stories260K': 'models/stories260K',
};
const strings = JSON.parse(fs.readFileSync(path.join(__dirname, 'tokenizer_extra_strings.json')));

(async () => {
  const out = { generator: 'HF tokenizers 0.23.2 (Rust) via npm tokenizers', strings: 'tokenizer_extra_strings.json', families: {} };
  for (const [name, dir] of Object.entries(families)) {
    const tok = Tokenizer.fromFile(path.join(shared, dir, 'tokenizer.json'));
    const ids = [], decoded = [];
    let prefix = null;
    for (const text of strings) {
      const plain = (await tok.encode(text, null, { addSpecialTokens: false })).getIds();
      const special = (await tok.encode(text, null, { addSpecialTokens: true })).getIds();
      // Every family here only prepends (BOS or nothing); store that prefix once.
      const p = special.slice(0, special.length - plain.length);
      if (JSON.stringify(special.slice(p.length)) !== JSON.stringify(plain)) throw new Error(name + ': not a prefix');
      if (prefix === null) prefix = p;
      if (JSON.stringify(prefix) !== JSON.stringify(p)) throw new Error(name + ': prefix varies');
      ids.push(plain);
      const text_back = await tok.decode(plain, false);
      decoded.push(text_back === text ? null : text_back);  // null: the input text itself
    }
    out.families[name] = { dir, special_prefix: prefix, ids, decoded };
  }
  fs.writeFileSync(path.join(__dirname, 'tokenizer_hf_rust_vectors.json'), JSON.stringify(out) + '\n');
})();
