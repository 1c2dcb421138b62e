import LeadStore
import Leads

extension WebhookSink {
    /// The POST body, in the Standard Webhooks shape: `type`, `timestamp` and `data`, where
    /// `data` carries the change and the lead as it is now (the latest state wins).
    ///
    /// Built from the JSON texts the store holds, so nothing is decoded and encoded again.
    static func body(for item: OutboxItem) -> [UInt8] {
        var text = "{\"type\":"
        text += jsonString("lead." + item.kind)
        text += ",\"timestamp\":" + jsonString(Timestamp.format(item.at))
        text += ",\"data\":{\"event_id\":" + jsonString(item.eventID)
        text += ",\"lead_id\":" + jsonString(item.leadID)
        text += ",\"kind\":" + jsonString(item.kind)
        text += ",\"at\":" + jsonString(Timestamp.format(item.at))
        text += ",\"change\":" + item.data
        text += ",\"lead\":" + item.leadJSON
        text += "}}"
        return Array(text.utf8)
    }

    static func jsonString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
