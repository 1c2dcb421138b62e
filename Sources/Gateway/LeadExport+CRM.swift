import Leads

extension LeadExport {
    /// CSV in the columns `crm`'s import wizard maps without help.
    public static func csv(_ leads: [Lead], for crm: CRMImport) -> String {
        var out = csvRow(crm.header)
        for lead in leads { out += csvRow(crm.row(lead)) }
        return out
    }
}
