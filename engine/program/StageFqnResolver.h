#pragma once

#include "store/DotAlchemyLayout.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Maps the resource path of an Alchemy console line ("site > worker") back to the FQN of the record it is
// about, using the stage's state on disk (reference §10.2 and §14.14). The line drops app and stage and
// joins the rest with " > ", so an id "a/b", a resource "b" in scope "a" and an id "a > b" all print as
// "a > b". The first two share their FQN ("app/stage/a/b"); the record on disk tells them apart from the
// third ("app/stage/a > b"). Alchemy writes a record before it prints the line about it, so the record is
// there to be found; a path seen once keeps its answer for the rest of the run (a deleted record is gone by
// the time "[deleted]" is printed). A path found in no record of the stage is looked up in the app's other
// stages (a deploy can delete another stage's records, §14.1) and otherwise read with every " > " as a
// separator.
class StageFqnResolver {
public:
    StageFqnResolver(DotAlchemyLayout layout, std::string app, std::string stage);

    struct Resolved {
        std::string fqn;
        std::string kind; // from the record; empty when no record was found
        bool found = false;
    };
    Resolved resolve(const std::string& path);

    // The app changed (a second banner: one program deploying several apps).
    void setApp(const std::string& app);
    const std::string& app() const { return m_app; }
    const std::string& stage() const { return m_stage; }

    // The kind of the record at `fqn` in this app (any stage), by reading it; empty when none.
    std::string kindOf(const std::string& fqn) const;

private:
    std::optional<std::string> recordKindAt(const std::vector<std::string>& chainAfterApp) const;

    DotAlchemyLayout m_layout;
    std::string m_app;
    std::string m_stage;
    std::map<std::string, Resolved> m_known; // path -> answer, per app (key: app + '\n' + path)
};

// Splits a console path on " > " (every separator; "" gives no segments).
std::vector<std::string> splitConsolePath(std::string_view path);

} // namespace athanor
