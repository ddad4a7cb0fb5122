import Localization

/// This module's sentences for the clerk, from its messages.json.
let messages = MessageCatalog(json: PackageResources.messages_json)
