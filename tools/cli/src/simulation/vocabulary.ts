/**
 * Words the synthetic marketplace is made of: regions, names, trades and their goods, and the
 * prohibited claims some sellers and creators cannot resist (the shared lexicon's terms).
 */

export interface Region {
  code: string;
  province: string;
  city: string;
  district: string;
}

/** Real GB/T 2260 district codes (credit codes and addresses must carry valid ones). */
export const REGIONS: readonly Region[] = [
  { code: '110105', province: '北京市', city: '北京市', district: '朝阳区' },
  { code: '310115', province: '上海市', city: '上海市', district: '浦东新区' },
  { code: '440305', province: '广东省', city: '深圳市', district: '南山区' },
  { code: '440106', province: '广东省', city: '广州市', district: '天河区' },
  { code: '330106', province: '浙江省', city: '杭州市', district: '西湖区' },
  { code: '350102', province: '福建省', city: '福州市', district: '鼓楼区' },
  { code: '320506', province: '江苏省', city: '苏州市', district: '吴中区' },
  { code: '510107', province: '四川省', city: '成都市', district: '武侯区' },
  { code: '420106', province: '湖北省', city: '武汉市', district: '武昌区' },
  { code: '370212', province: '山东省', city: '青岛市', district: '崂山区' },
  { code: '500103', province: '重庆市', city: '重庆市', district: '渝中区' },
  { code: '610113', province: '陕西省', city: '西安市', district: '雁塔区' },
];

export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '林', '郭', '何', '高', '罗'];
export const GIVEN_NAMES = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '杰', '娟', '涛', '明', '超', '秀英', '建华', '晓东', '丽华', '志强', '海燕'];
export const BRAND_SYLLABLES = ['鑫', '源', '恒', '泰', '华', '嘉', '优', '品', '禾', '悦', '锦', '川', '青', '木', '朗', '启', '易', '星', '和', '瑞'];
export const ROADS = ['人民路', '解放路', '中山路', '建设路', '文化路', '长江路', '和平路', '新华路', '科技园路', '创业大道'];
export const BANKS = ['中国工商银行', '中国建设银行', '中国农业银行', '中国银行', '招商银行', '交通银行', '兴业银行'];
export const CARRIERS = ['SF', 'ZTO', 'YTO', 'STO', 'YUNDA', 'JD', 'EMS'];

/**
 * A trade a merchant applies for: merchant-access's category code and the qualification it
 * needs, and the product-quality category codes its goods are listed in, with the goods.
 */
export interface Trade {
  category: 'general' | 'apparel' | 'electronics' | 'home' | 'food' | 'cosmetics';
  qualification?: 'FOOD_BUSINESS_LICENCE' | 'COSMETICS_FILING';
  word: string;
  listingCategory: string;
  goods: readonly { zh: string; en: string; standard: string }[];
  priceYuan: readonly [number, number];
}

export const TRADES: readonly Trade[] = [
  {
    category: 'general',
    word: '百货',
    listingCategory: 'general.household',
    goods: [
      { zh: '收纳盒', en: 'storage box', standard: 'GB/T 4806.7-2016' },
      { zh: '保温杯', en: 'vacuum flask', standard: 'GB/T 29606-2013' },
      { zh: '晾衣架', en: 'clothes rack', standard: 'QB/T 4515-2013' },
      { zh: '毛巾套装', en: 'towel set', standard: 'GB/T 22864-2009' },
    ],
    priceYuan: [19, 129],
  },
  {
    category: 'apparel',
    word: '服饰',
    listingCategory: 'apparel.women',
    goods: [
      { zh: '纯棉T恤', en: 'cotton T-shirt', standard: 'GB 18401-2010' },
      { zh: '羊毛开衫', en: 'wool cardigan', standard: 'FZ/T 73018-2021' },
      { zh: '直筒牛仔裤', en: 'straight jeans', standard: 'FZ/T 81006-2017' },
      { zh: '针织连衣裙', en: 'knit dress', standard: 'FZ/T 73019.1-2021' },
    ],
    priceYuan: [49, 399],
  },
  {
    category: 'electronics',
    word: '电子',
    listingCategory: 'electronics.audio',
    goods: [
      { zh: '蓝牙耳机', en: 'bluetooth earbuds', standard: 'CCC 2021011606000001' },
      { zh: '便携音箱', en: 'portable speaker', standard: 'CCC 2021010805000002' },
      { zh: '快充数据线', en: 'fast charging cable', standard: 'GB/T 36944-2018' },
      { zh: '移动电源', en: 'power bank', standard: 'CCC 2022010911000003' },
    ],
    priceYuan: [29, 499],
  },
  {
    category: 'home',
    word: '家居',
    listingCategory: 'home.kitchen',
    goods: [
      { zh: '不粘炒锅', en: 'non-stick wok', standard: 'GB 4806.9-2016' },
      { zh: '陶瓷饭碗', en: 'ceramic bowls', standard: 'GB 4806.4-2016' },
      { zh: '竹制砧板', en: 'bamboo board', standard: 'GB 4806.12-2022' },
      { zh: '电热水壶', en: 'electric kettle', standard: 'CCC 2020010701000004' },
    ],
    priceYuan: [25, 299],
  },
  {
    category: 'food',
    qualification: 'FOOD_BUSINESS_LICENCE',
    word: '食品',
    listingCategory: 'food.snacks',
    goods: [
      { zh: '每日坚果礼盒', en: 'mixed nuts box', standard: 'GB 19300-2014' },
      { zh: '手撕牛肉干', en: 'beef jerky', standard: 'GB 2726-2016' },
      { zh: '黄油曲奇', en: 'butter cookies', standard: 'GB 7100-2015' },
      { zh: '新疆若羌红枣', en: 'red dates', standard: 'GB/T 5835-2009' },
    ],
    priceYuan: [19, 159],
  },
  {
    category: 'cosmetics',
    qualification: 'COSMETICS_FILING',
    word: '化妆品',
    listingCategory: 'cosmetics.skincare',
    goods: [
      { zh: '保湿面霜', en: 'moisturising cream', standard: 'GB/T 29665-2013' },
      { zh: '氨基酸洁面乳', en: 'amino acid cleanser', standard: 'GB/T 29680-2013' },
      { zh: '清爽防晒乳', en: 'sunscreen lotion', standard: 'GB/T 35954-2018' },
      { zh: '玻尿酸精华液', en: 'hyaluronic serum', standard: 'GB/T 29665-2013' },
    ],
    priceYuan: [39, 359],
  },
];

/** Listing claims the listing gate and content assessment must catch (absolute, guarantee, medical). */
export const LISTING_CLAIMS: readonly ((zh: string, en: string) => { title: string; description: string })[] = [
  (zh) => ({ title: `全网第一${zh} 销量冠军`, description: `本店${zh}品质全网第一，放心购买。` }),
  (zh) => ({ title: `${zh} 100%有效 无效退款`, description: `${zh}使用一周，100%有效。` }),
  (zh, en) => ({ title: `The best ${en} ever`, description: `Our ${en} is simply the best on the market.` }),
  (zh) => ({ title: `国家级${zh}`, description: `国家级品质，${zh}行业标杆。` }),
];

/** Claims a creator slips into a video (severity in the shared lexicon: HIGH or MEDIUM). */
export const VIDEO_CLAIMS: readonly { phrase: string; severity: 'HIGH' | 'MEDIUM' }[] = [
  { phrase: '全网第一', severity: 'HIGH' },
  { phrase: '100%有效', severity: 'HIGH' },
  { phrase: 'No.1', severity: 'HIGH' },
  { phrase: '最好', severity: 'MEDIUM' },
];

/** Host lines of a clean livestream. */
export const LIVE_LINES = [
  '欢迎来到直播间，今天给大家带来几款实用好物',
  '这款的材质我们拿到灯下给大家看一下细节',
  '下单前请看清尺码和规格，有问题随时问客服',
  '发货一般四十八小时内，偏远地区会慢一点',
  '这是我们自己用了三个月的真实感受，供大家参考',
];
