#pragma once

#include <QString>

namespace athanor::ui {

// Stages that deserve a second look before anything destructive: prod, production, live, prd and names
// built on them (prod-eu, eu_production, live2).
bool looksLikeProduction(const QString& stage);

// A stage name becomes a folder under .alchemy/<app>/: no separators, no dot-names, nothing empty.
bool isValidStageName(const QString& stage, QString* why = nullptr);

} // namespace athanor::ui
