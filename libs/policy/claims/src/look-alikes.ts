/**
 * Characters read as another when a claim is matched. Applied after compatibility
 * decomposition and before lower-casing, so both cases are listed where both look alike.
 */

/** Cyrillic and Greek letters that are drawn like Latin ones ("bеst" with a Cyrillic е). */
const CONFUSABLE_LATIN: readonly (readonly [string, string])[] = [
  // Cyrillic capitals, then small letters
  ['АВЕКМНОРСТХЅІЈҮԚԜӀ', 'ABEKMHOPCTXSIJYQWI'],
  ['аеорсухѕіјһԁԛԝӏү', 'aeopcyxsijhdqwly'],
  // Greek capitals, then small letters
  ['ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ', 'ABEZHIKMNOPTYX'],
  ['αεικνορυχ', 'aeiknopux'],
  // Latin letters from other blocks that pass for plain ones
  ['ıɡɩ', 'igi'],
];

/**
 * Traditional → simplified for the characters of the lexicon and its allow-lists only (a full
 * converter is not needed to read "國家級" as "国家级"). Add a row when a term brings a new
 * character that has a traditional form.
 */
const TRADITIONAL = [
  '優优 強强 級级 進进 價价 歡欢 暢畅 銷销 權权 專专 業业 適适 時时 劃划 實实 網网 國国 獨独 無无 絕绝 僅仅',
  '個个 創创 選选 發发 髮发 頂顶 遺遗 質质 產产 術术 極极 對对 濕湿 溫温 終终 領领 導导 遙遥 後后 與与 倫伦',
  '敵敌 巔巅 巓巅 萬万 馳驰 標标 療疗 癒愈 藥药 腫肿 製制 鎮镇 壓压 軟软 壯壮 陽阳 過过 補补 腎肾 護护 減减',
  '脫脱 薦荐 總总 機机 關关 衛卫 協协 醫医 認认 證证 軍军 隊队 賓宾 館馆 會会 檢检 復复 複复 額额 見见 彈弹',
  '當当 風风 險险 穩稳 賺赚 賠赔 別别 遲迟 長长 週周 節节 課课 層层 頁页 條条 間间 階阶 輪轮 種种 單单 純纯',
  '絨绒 蠶蚕 絲丝 亞亚 纖纤 維维 滌涤 綸纶 錦锦 係系 繫系 視视',
  // Financial numeral used to dodge "第一"
  '壹一',
].join(' ');

const build = (): Readonly<Record<string, string>> => {
  const map: Record<string, string> = {};
  for (const [from, to] of CONFUSABLE_LATIN) {
    const a = [...from];
    const b = [...to];
    if (a.length !== b.length) throw new Error(`look-alike row ${from} is misaligned`);
    a.forEach((ch, i) => (map[ch] = b[i] as string));
  }
  for (const pair of TRADITIONAL.split(/\s+/)) {
    const [from, to] = [...pair];
    if (from !== undefined && to !== undefined) map[from] = to;
  }
  return map;
};

export const LOOK_ALIKES: Readonly<Record<string, string>> = build();

