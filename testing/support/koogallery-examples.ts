// The protocol document's Kit tenantSync example, shared by the tests that
// reproduce its canonical payload and its signature.

/** The example body, in the order the document lists its fields. */
export const KIT_TENANT_SYNC_BODY = {
  instanceId: "huaiweitest123456",
  orderId: "CS1906666666ABCDE",
  tenantId: "68cbc86abc2018ab880d92f36422fa0e",
  tenantCode: "huawei",
  name: "huaiweitest",
  domainName: "https://example.tenantaccount.com",
  flag: 1,
  testFlag: 0,
  timeStamp: "20220413093539534",
};

/** Its canonical payload: top-level keys sorted, compact. */
export const KIT_TENANT_SYNC_PAYLOAD =
  '{"domainName":"https://example.tenantaccount.com","flag":1,"instanceId":"huaiweitest123456","name":"huaiweitest","orderId":"CS1906666666ABCDE",' +
  '"tenantCode":"huawei","tenantId":"68cbc86abc2018ab880d92f36422fa0e","testFlag":0,"timeStamp":"20220413093539534"}';
