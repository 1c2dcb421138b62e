import ContactFormats
import NDEF
import Leads

@main struct Main { static func main() {} }
