//! CSV tables written to memory with every cell defused against spreadsheet formulas: the bucket
//! list's export and a report's CSV write through here, so both defuse the same way.

/// A CSV table being written to memory.
#[derive(Debug)]
pub struct CsvTable {
    out: ::csv::Writer<Vec<u8>>,
}

impl CsvTable {
    /// An empty table with room for about `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            out: ::csv::Writer::from_writer(Vec::with_capacity(capacity)),
        }
    }

    /// Writes the header line.
    pub fn header(&mut self, columns: &[&str]) -> Result<(), ::csv::Error> {
        self.out.write_record(columns)
    }

    /// Writes one row; a missing cell is empty, and every cell is passed through [`safe_cell`].
    pub fn row(&mut self, cells: &[Option<String>]) -> Result<(), ::csv::Error> {
        let cells: Vec<_> = cells
            .iter()
            .map(|c| safe_cell(c.as_deref().unwrap_or("")))
            .collect();
        self.out.write_record(cells.iter().map(|c| c.as_bytes()))
    }

    /// The CSV text written so far.
    pub fn into_bytes(self) -> Result<Vec<u8>, ::csv::Error> {
        self.out.into_inner().map_err(|e| e.into_error().into())
    }
}

/// Defuses spreadsheet formulas: a cell starting with `=`, `+`, `-`, `@` (or a tab or carriage
/// return, which some spreadsheets skip before reading a formula) gets a leading `'`. Key ids and
/// actor names are free text, so this matters for every table.
fn safe_cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_other_cells_kept() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("+1"), "'+1");
        assert_eq!(safe_cell("-1+2"), "'-1+2");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("\tx"), "'\tx");
        assert_eq!(safe_cell("prod-logs-hz-001"), "prod-logs-hz-001");
        assert_eq!(safe_cell(""), "");
    }

    #[test]
    fn a_table_has_its_header_then_rows_with_empty_cells_for_missing_values() {
        let mut table = CsvTable::with_capacity(64);
        table.header(&["name", "key"]).unwrap();
        table.row(&[Some("a,b".to_owned()), None]).unwrap();
        table
            .row(&[Some("=1".to_owned()), Some("k".to_owned())])
            .unwrap();
        let text = String::from_utf8(table.into_bytes().unwrap()).unwrap();
        assert_eq!(text, "name,key\n\"a,b\",\n'=1,k\n");
    }
}
