#pragma once

#include "store/SourceSpec.h"

#include <QWidget>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace athanor::ui {

// Names a state source: its kind (a project folder, a SQLite database) and where it is, with a Browse
// button that asks for the right thing (a folder, a database file). Shared by Open State Source and
// Copy State To.
class SourcePicker : public QWidget {
    Q_OBJECT
public:
    enum class Purpose { Open, CopyTarget };
    explicit SourcePicker(Purpose purpose, QWidget* parent = nullptr);

    void setSpec(const SourceSpec& spec);
    // The source named, or nullopt with problem() saying why not (empty location, a missing file to open).
    std::optional<SourceSpec> spec() const;
    QString problem() const;
    QComboBox* kindBox() const { return m_kind; }
    QLineEdit* locationEdit() const { return m_location; }

signals:
    void changed();

private:
    void browse();
    void updateHint();
    SourceSpec::Kind kind() const;

    Purpose m_purpose;
    QComboBox* m_kind;
    QLineEdit* m_location;
    QPushButton* m_browse;
    QLabel* m_hint;
};

} // namespace athanor::ui
