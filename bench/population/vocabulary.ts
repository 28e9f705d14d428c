/**
 * Word lists for synthetic personal data and free text. Names are common given and family names;
 * contact details use reserved ranges only (example.com/.net/.org domains, RFC 2606; UK drama
 * numbers +44 20 7946 0xxx, Ofcom), so nothing generated can reach a real person.
 */
export const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloé',
  'Daniel',
  'Elif',
  'Farah',
  'Giulia',
  'Hannah',
  'Ivan',
  'Jonas',
  'Kai',
  'Lena',
  'Mateo',
  'Nora',
  'Oskar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tariq',
  'Ursula',
  'Vera',
  'William',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Amara',
  'Bruno',
  'Clara',
  'Dmitri',
];

export const LAST_NAMES = [
  'Andersen',
  'Becker',
  'Costa',
  'Dubois',
  'Evans',
  'Fischer',
  'García',
  'Hoffmann',
  'Ivanova',
  'Jansen',
  'Kowalski',
  'Larsen',
  'Müller',
  'Nowak',
  'Okafor',
  'Petrov',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Weber',
  'Yilmaz',
  'Zimmermann',
  'Silva',
  'Novak',
  'Moreau',
];

export const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];

export const LOCALES: readonly {
  locale: string;
  timeZone: string;
  country: string;
  city: string;
}[] = [
  { locale: 'en-GB', timeZone: 'Europe/London', country: 'GB', city: 'Leeds' },
  { locale: 'de-DE', timeZone: 'Europe/Berlin', country: 'DE', city: 'Köln' },
  { locale: 'fr-FR', timeZone: 'Europe/Paris', country: 'FR', city: 'Lyon' },
  { locale: 'nl-NL', timeZone: 'Europe/Amsterdam', country: 'NL', city: 'Utrecht' },
  { locale: 'es-ES', timeZone: 'Europe/Madrid', country: 'ES', city: 'Valencia' },
  { locale: 'it-IT', timeZone: 'Europe/Rome', country: 'IT', city: 'Bologna' },
];

export const STREETS = [
  'High Street',
  'Station Road',
  'Lindenallee',
  'Rue des Lilas',
  'Kerkstraat',
];

/** The catalogue of the synthetic shop: sku, name, category, list price. */
export const PRODUCTS: readonly { sku: string; name: string; category: string; price: number }[] = [
  { sku: 'TSHIRT-BLK-M', name: 'Organic T-shirt, black', category: 'apparel', price: 24.99 },
  { sku: 'HOODIE-GRY-L', name: 'Hoodie, grey', category: 'apparel', price: 59.0 },
  { sku: 'JEANS-IND-32', name: 'Slim jeans, indigo', category: 'apparel', price: 79.9 },
  { sku: 'MUG-STONE', name: 'Stoneware mug', category: 'home', price: 14.5 },
  { sku: 'LAMP-DESK', name: 'Desk lamp', category: 'home', price: 45.0 },
  { sku: 'THROW-WOOL', name: 'Wool throw', category: 'home', price: 89.0 },
  { sku: 'KETTLE-STEEL', name: 'Steel kettle', category: 'kitchen', price: 39.95 },
  { sku: 'KNIFE-CHEF', name: "Chef's knife", category: 'kitchen', price: 69.0 },
  { sku: 'PAN-CAST-28', name: 'Cast-iron pan, 28 cm', category: 'kitchen', price: 54.9 },
  { sku: 'BOOK-COOK', name: 'Seasonal cookbook', category: 'books', price: 29.0 },
  { sku: 'BOOK-NOVEL', name: 'Paperback novel', category: 'books', price: 12.99 },
  { sku: 'HEADPH-BT', name: 'Bluetooth headphones', category: 'electronics', price: 129.0 },
  { sku: 'SPEAKER-MINI', name: 'Mini speaker', category: 'electronics', price: 49.0 },
  { sku: 'CHARGER-USB', name: 'USB-C charger', category: 'electronics', price: 19.99 },
  { sku: 'SOCKS-3PK', name: 'Socks, 3 pairs', category: 'apparel', price: 9.99 },
];

export const PAGE_TYPES = ['home', 'category', 'product', 'search', 'cart', 'checkout'] as const;

export const APP_SCREENS = ['Home', 'ProductDetail', 'Search', 'Basket', 'Orders'];

export const REFERRERS = [
  'https://www.example.org/search?q=organic+shirt',
  'https://news.example.net/gift-guide',
  'https://social.example.com/post/1234',
];

export const COMPLAINT_CATEGORIES: readonly { category: string; texts: readonly string[] }[] = [
  {
    category: 'late-delivery',
    texts: [
      'My order is a week late and nobody tells me where it is.',
      'Still waiting for the parcel, this is really frustrating.',
    ],
  },
  {
    category: 'damaged-item',
    texts: [
      'The item arrived broken and the box was crushed.',
      'It was damaged on arrival, very disappointed.',
    ],
  },
  {
    category: 'wrong-item',
    texts: ['I received the wrong size and the wrong colour.', 'This is not what I ordered.'],
  },
  {
    category: 'billing',
    texts: ['I was charged twice for one order.', 'The refund never reached my account.'],
  },
  {
    category: 'service',
    texts: [
      'The agent was rude and hung up on me.',
      'I have called three times and nobody helped.',
    ],
  },
];

export const RESPONSE_TEXTS = [
  'We are sorry about this and are looking into it today.',
  'Thank you for telling us. We have asked the carrier for an update.',
  'Apologies for the trouble: a colleague will call you back tomorrow.',
];

export const RESOLUTION_TEXTS = [
  'We have sent a replacement, which should arrive in two days.',
  'We have refunded the order in full.',
  'We corrected the charge and added a voucher for the trouble.',
];

export const REOPEN_TEXTS = [
  'The replacement has the same problem.',
  'The refund has still not arrived, please check again.',
];

export const GOOD_COMMENTS = [
  'Fast delivery and great quality, thank you!',
  'Lovely product, will buy again.',
  'Easy checkout and friendly service.',
];

export const NEUTRAL_COMMENTS = [
  'It was fine.',
  'Okay, nothing special.',
  'Delivery took a while.',
];

export const BAD_COMMENTS = [
  'Terrible experience, the order was late and damaged.',
  'Awful service, I will not order again.',
  'Disappointed: poor quality and slow support.',
];

export const ENQUIRY_TOPICS: readonly { topic: string; text: string }[] = [
  { topic: 'product-availability', text: 'Will the hoodie be back in stock in size L?' },
  { topic: 'opening-hours', text: 'Is the store open on Sunday?' },
  { topic: 'sizing', text: 'Do the jeans run small?' },
  { topic: 'gift-wrapping', text: 'Can you gift-wrap an order?' },
];

export const SERVICE_REASONS = ['order-status', 'return-label', 'address-change', 'payment'];

export const CARRIERS = ['dhl', 'ups', 'dpd', 'royal-mail'];
