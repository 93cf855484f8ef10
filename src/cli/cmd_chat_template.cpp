// `regenesis chat-template`: renders a conversation with a model's chat template (detected from
// its tokenizer files) or a named one, for debugging prompts.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "text/chat_template.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strings.h"

namespace regenesis::cli {
namespace {

struct Options {
  std::string tokenizer_dir;
  std::string template_name;
  std::string messages_file;
  std::string override_name;
  bool no_generation_prompt = false;
  bool json = false;
};

// FILE holds a JSON array of {role, content}, or an object whose "messages" is one. Errors name
// the file and the entry, e.g. "chat.json: messages[2]: field 'content' must be a string".
std::vector<ChatMessage> read_messages(const std::string& path) {
  const Json doc = read_json_file(path);
  if (doc.is_object() && !doc.contains("messages"))
    fail(path, ": expected a JSON array of messages or an object with field 'messages'");
  const Json& list = doc.is_object() ? doc["messages"] : doc;
  if (!list.is_array())
    fail(path, ": ", doc.is_object() ? "field 'messages'" : "the file",
         " must be an array of {role, content} objects, got ", list.type_name());
  std::vector<ChatMessage> messages;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string source = path + ": messages[" + std::to_string(i) + "]";
    messages.push_back({require_string(list[i], "role", source),
                        require_string(list[i], "content", source)});
  }
  return messages;
}

void run(const Options& options) {
  if (options.tokenizer_dir.empty() == options.template_name.empty())
    fail("give exactly one of --tokenizer DIR or --template NAME");
  const ChatTemplate chat = options.template_name.empty()
                                ? ChatTemplate::for_model(options.tokenizer_dir, options.override_name)
                                : ChatTemplate::named(options.template_name);
  const std::string text = chat.render(read_messages(options.messages_file),
                                       !options.no_generation_prompt);
  if (options.json) {
    OrderedJson out = {{"template", chat.name()}, {"text", text}};
    std::printf("%s\n", out.dump().c_str());
  } else {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
}

void setup(CLI::App& sub) {
  auto options = std::make_shared<Options>();
  auto* tokenizer = sub.add_option("--tokenizer", options->tokenizer_dir,
                                   "Model or tokenizer directory whose tokenizer_config.json or "
                                   "chat_template.jinja names the template");
  auto* name = sub.add_option("--template", options->template_name,
                              "A template by name: " + join(ChatTemplate::names(), ", "));
  tokenizer->excludes(name);
  sub.add_option("--messages", options->messages_file,
                 "JSON file: an array of {role, content}, or {\"messages\": [...]}")
      ->required();
  sub.add_flag("--no-generation-prompt", options->no_generation_prompt,
               "Do not open the assistant turn at the end");
  sub.add_option("--chat-template", options->override_name,
                 "With --tokenizer: use this template instead of the detected one")
      ->needs(tokenizer);
  sub.add_flag("--json", options->json,
               "Print {\"template\": NAME, \"text\": TEXT} (plus a newline) instead of the bare text");
  sub.footer("Prints the rendered text exactly, with no newline added. It includes BOS where the "
             "template writes it: tokenize it without adding special tokens.");
  sub.callback([options] { run(*options); });
}

REGENESIS_COMMAND("chat-template", "Render a conversation with a chat template", setup);

}  // namespace
}  // namespace regenesis::cli
