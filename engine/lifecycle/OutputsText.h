#pragma once

#include "json/Json.h"
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace athanor {

// How `athanorctl read` prints the outputs: one JSON object FQN -> output (envelope left out, secrets masked
// unless shown), sorted by FQN, as JSON.stringify writes it (`indent` 2; 0 for --json, wrapped in
// {"type":"outputs","outputs":...}). With RunOptions::outputsText the read phase writes each output's text
// on its reader threads (RunReport::outputTexts), from the record's DOM when it holds no secret.
struct OutputsTextFormat {
    int indent = 2;
    bool showSecrets = false;
    std::string mask = "\u2022\u2022\u2022\u2022\u2022\u2022";
};

// FQN -> the output's text as it reads inside the printed object (nested one level).
using OutputTexts = std::vector<std::pair<std::string, std::string>>;

// The text of one output (plain form: secrets {"@secret": plaintext}) as printed.
std::string shownOutputText(Json output, const OutputsTextFormat& format);
// Every output of a report that holds them as Json (a program's read), sorted by FQN.
OutputTexts outputTextsOf(std::map<std::string, Json>&& outputs, const OutputsTextFormat& format);
// The whole printed document (no trailing newline); `texts` sorted by FQN, without duplicates.
std::string outputsDocumentText(const OutputTexts& texts, const OutputsTextFormat& format);

} // namespace athanor
